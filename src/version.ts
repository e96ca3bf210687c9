// The package version, from package.json.
import { PACKAGE_JSON } from './package-root.js';

export const VERSION: string = PACKAGE_JSON.version;
