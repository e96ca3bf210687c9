// The registry: every implemented rule (src/rules/all.ts is generated from the modules on disk by
// `npm run gen:rules`). The meta-test checks that each id has a module named after it, a docs
// page, an index entry and a test.
import type { Rule } from './types.js';
import { RULES } from './all.js';

export { RULES };

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/** Rules that can run on manifests alone (evidence includes `files`): what `lint` runs. */
export function fileRules(): Rule[] {
  return RULES.filter((r) => r.meta.evidence.includes('files'));
}
