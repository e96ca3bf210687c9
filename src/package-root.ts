// Where the package is installed: the folder of metallb-doctor's package.json, found upward from
// this module. The modules sit at several depths below it (src/, dist/, and the bundled program
// in dist/cli/, where every module shares the bundle's URL), so no fixed relative path serves all.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface PackageJson {
  name?: unknown;
  version: string;
}

function find(): { root: string; pkg: PackageJson } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
      if (pkg.name === 'metallb-doctor') return { root: dir, pkg };
    }
    dir = dirname(dir);
  }
  throw new Error(`metallb-doctor's package.json not found above ${fileURLToPath(import.meta.url)}`);
}

const found = find();
export const PACKAGE_ROOT: string = found.root;
/** The package's package.json, read once. */
export const PACKAGE_JSON: PackageJson = found.pkg;

/** Whether this code runs from the TypeScript sources (tests, through tsx) rather than dist/. */
export const FROM_SOURCES: boolean = import.meta.url.endsWith('.ts');
