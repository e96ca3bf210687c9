import { defineRule } from '../types.js';

export default defineRule({
  meta: {
    id: 'yaml-syntax-error',
    severity: 'error',
    category: 'input',
    evidence: ['files'],
    description: 'A file that is not valid YAML or JSON.',
    fix: 'Correct the syntax at the reported position; `kubectl apply --dry-run=client -f FILE` shows the same error.',
  },
  check({ state, report }) {
    for (const issue of state.loadIssues) {
      if (issue.kind !== 'syntax') continue;
      report({
        message: issue.message,
        subjects: [{ file: issue.file, line: issue.line, column: issue.column }],
      });
    }
  },
});
