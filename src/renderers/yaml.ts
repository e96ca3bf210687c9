// `-o yaml`: the same document as `-o json`, as YAML.
import { stringify } from 'yaml';
import type { Report } from '../report/types.js';
import { reportDocument } from './json.js';
import type { RenderOptions } from './options.js';

export function renderYaml(report: Report, _opts?: RenderOptions): string {
  // lineWidth 0: long messages stay on one line (greppable); aliasDuplicateObjects off: the
  // document is a tree, and anchors would only confuse readers.
  return stringify(reportDocument(report), { lineWidth: 0, aliasDuplicateObjects: false });
}
