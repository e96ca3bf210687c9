// The executables must be executable after tsc (which keeps the shebang but not the mode).
import { chmodSync } from 'node:fs';
for (const f of ['dist/cli/metallb-doctor.js', 'dist/cli/kubectl-metallb.js']) chmodSync(f, 0o755);
