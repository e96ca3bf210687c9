// Where a rule's documentation page lives: docs/rules/<id>.md in the package.
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** Package-relative path, as the JSON report's `docs` field carries it. */
export function docsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

/** Absolute path of the package's docs folder (src/rules -> ../../docs; same from dist/rules). */
export function docsDir(): string {
  return fileURLToPath(new URL('../../docs/rules/', import.meta.url));
}

export function docsFile(id: string): string {
  return join(docsDir(), `${id}.md`);
}
