// Where a rule's documentation page lives: docs/rules/<id>.md in the package.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../package-root.js';

/** Package-relative path, as the JSON report's `docs` field carries it. */
export function docsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** Absolute path of the package's docs folder. */
export function docsDir(): string {
  return join(PACKAGE_ROOT, 'docs', 'rules');
}

export function docsFile(id: string): string {
  return join(docsDir(), `${id}.md`);
}
