import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'yaml-ambiguous-value',
    severity: 'warning',
    category: 'input',
    evidence: ['files'],
    description:
      'A value Kubernetes reads differently from what the author likely meant: an unquoted YAML 1.1 boolean (yes, no, on, off) or a duplicate key.',
    fix: 'Quote the value ("on") when a string is meant, write true/false when a boolean is meant, and remove the duplicate key.',
  },
  check({ state, report }) {
    for (const issue of state.loadIssues) {
      if (issue.kind !== 'ambiguous-boolean' && issue.kind !== 'duplicate-key') continue;
      report({
        message: issue.message,
        subjects: [{ file: issue.file, line: issue.line, column: issue.column }],
      });
    }
  },
});
