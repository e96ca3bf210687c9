// After tsc:
// - the executables must be executable (tsc keeps the shebang but not the mode);
// - dist/sources/live/k8s.js becomes one bundle of what @kubernetes/client-node's KubeConfig
//   needs: importing the package loads 2,500 modules (0.7 s on every live run); the bundle 0.15 s;
// - dist/cli/program.js becomes one bundle of the program (our modules; the packages stay
//   imports): 230 modules took 0.29 s to resolve and load on every run, the bundle 0.14 s. What
//   only some commands use (the live client, the network probes) stays in chunks beside it,
//   loaded by the command that needs it, and k8s.js stays a file of its own. Every other file of
//   dist/ stays as tsc wrote it: the log worker runs from there.
import { chmodSync, readdirSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

for (const f of ['dist/cli/metallb-doctor.js', 'dist/cli/kubectl-metallb.js']) chmodSync(f, 0o755);

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning' };

await build({
  ...common,
  entryPoints: ['dist/sources/live/k8s.js'],
  outfile: 'dist/sources/live/k8s.js',
  allowOverwrite: true,
  // CommonJS dependencies (node-fetch, js-yaml) call require(): give the ESM bundle one
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

// chunks of an earlier build
for (const f of readdirSync('dist/cli')) if (/^chunk-.*\.js(\.map)?$/.test(f)) rmSync(`dist/cli/${f}`);
await build({
  ...common,
  entryPoints: { program: 'dist/cli/program.js' },
  outdir: 'dist/cli',
  allowOverwrite: true,
  splitting: true,
  chunkNames: 'chunk-[hash]',
  packages: 'external',
  sourcemap: true,
  plugins: [
    {
      // the client-node bundle stays where it is, imported from beside the program
      name: 'k8s-outside',
      setup(b) {
        b.onResolve({ filter: /(^|\/)k8s\.js$/ }, () => ({ path: '../sources/live/k8s.js', external: true }));
      },
    },
  ],
});
