// `replay BUNDLE`: serves a snapshot as a read-only Kubernetes API on 127.0.0.1 and writes a
// kubeconfig for it, so a support engineer inspects a customer's bundle with kubectl (and this
// tool) as if it were the cluster. Runs until SIGINT/SIGTERM (exit 0); exit 3 when it cannot serve.
import { Command } from 'commander';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../sources/types.js';
import { ReplayStore } from '../../replay/store.js';
import { startReplay } from '../../replay/server.js';
import { FaultSpecError, parseFault, type Fault } from '../../replay/faults.js';
import { kubeconfigText, writeKubeconfig } from '../../replay/kubeconfig.js';
import { UsageError } from '../common.js';
import type { CliContext } from '../context.js';

interface ReplayOptions {
  port: string;
  kubeconfigOut?: string;
  fault: string[];
}

const repeat = (value: string, previous: string[] = []) => [...previous, value];

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function replayCommand(ctx: CliContext): Command {
  const cmd = new Command('replay')
    .summary('serves a snapshot as a read-only Kubernetes API on 127.0.0.1, for kubectl and this tool')
    .description(
      'Serves a bundle (or any snapshot: a directory of YAML/JSON, one file) as a read-only Kubernetes ' +
        'API on 127.0.0.1 and writes a kubeconfig for it: kubectl get, describe, logs and watches work on ' +
        'it as on the cluster, with the columns a real cluster prints. Writes answer 405; kinds the ' +
        'snapshot did not capture answer 403, as an RBAC denial would, so a tool sees the same gaps ' +
        'through it as with --from. Runs until interrupted (Ctrl-C, SIGTERM).',
    )
    .argument('<bundle>', 'a bundle (.tar.gz or directory), a directory of YAML/JSON, or one file')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', '0')
    .option('--kubeconfig-out <path>', 'where to write the kubeconfig (default: a temporary file, removed on exit)')
    .option('--fault <spec>', 'inject a fault into resource requests, for tests (repeatable; see below)', repeat, []);
  cmd.addHelpText(
    'after',
    `
Faults (NAME[=VALUE][@RESOURCES]; RESOURCES as kubectl names them, comma-separated):
  delay=250ms[@R]      every resource request waits first
  500[=FREQ][@R]       500 InternalError; FREQ is every:N, N% or a fraction (default: every request)
  403@R                403 Forbidden on these resources, as an RBAC denial
  reset[=FREQ][@R]     half of the body, then a connection reset
  truncate[=FREQ][@R]  half of the body as a complete response (invalid JSON)
  gone[=FREQ][@R]      watches answer 410 Gone (an ERROR event) and end
Faults never touch /version or discovery.

Exit codes: 0 stopped by SIGINT or SIGTERM, 3 cannot serve (unreadable bundle, port taken, bad flag).

Examples:
  ${ctx.name} replay snapshot.tar.gz                 # then, in another shell: export KUBECONFIG=...
  ${ctx.name} replay examples/demo-cluster --kubeconfig-out demo.kubeconfig
  KUBECONFIG=demo.kubeconfig kubectl get svc -A
  ${ctx.name} replay snapshot.tar.gz --port 6443
  ${ctx.name} replay snapshot.tar.gz --fault 500=every:3 --fault delay=2s@pods --fault 403@bgppeers.metallb.io`,
  );
  cmd.action(async (bundle: string, _local: unknown, self: Command) => {
    const opts = self.opts<ReplayOptions>();
    if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535) throw new UsageError(`--port ${opts.port}: not a port number (0-65535)`);
    const port = Number(opts.port);
    let faults: Fault[];
    try {
      faults = opts.fault.map(parseFault);
    } catch (e) {
      if (e instanceof FaultSpecError) throw new UsageError(e.message);
      throw e;
    }

    const store = await ReplayStore.open(bundle);
    if (store.objectCount === 0) throw new InputError(bundle, 'nothing to serve: no Kubernetes objects in it');
    if (store.load.issues.length > 0) {
      const files = new Set(store.load.issues.map((i) => i.file));
      ctx.warn(`${store.load.issues.length} problem(s) reading ${files.size} file(s) (\`${ctx.name} diag --from ${bundle}\` lists them); serving what could be read`);
    }

    let server;
    try {
      server = await startReplay(store, { port, faults });
    } catch (e) {
      if (e instanceof FaultSpecError) throw new UsageError(e.message);
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? 'address already in use' : code === 'EACCES' ? 'permission denied' : String((e as Error).message ?? e);
      ctx.err(`${ctx.name}: cannot listen on 127.0.0.1:${port}: ${why}\n`);
      ctx.exitCode = 3;
      return;
    }

    const kubeconfig = opts.kubeconfigOut ?? join(tmpdir(), `metallb-doctor-replay-${server.port}.kubeconfig`);
    try {
      await writeKubeconfig(kubeconfig, kubeconfigText(server.url, bundle));
    } catch (e) {
      await server.close();
      const code = (e as NodeJS.ErrnoException).code;
      ctx.err(`${ctx.name}: cannot write the kubeconfig: ${code ? `${kubeconfig}: ${code}` : (e as Error).message}\n`);
      ctx.exitCode = 3;
      return;
    }

    const b = store.load.bundle;
    const about = [`Kubernetes ${store.version.gitVersion}`, b?.context ? `context ${b.context}` : undefined, b?.createdAt ? `taken ${b.createdAt}` : undefined, `${store.objectCount} objects`]
      .filter(Boolean)
      .join(', ');
    ctx.err(
      `${ctx.name} replay: serving ${bundle} (${about}) at ${server.url}\n` +
        `Use it with:\n` +
        `  export KUBECONFIG=${kubeconfig}\n` +
        `  kubectl get svc -A\n` +
        (faults.length ? `Faults: ${faults.map((f) => f.spec).join(', ')}\n` : '') +
        `Read-only: writes answer 405; kinds the snapshot did not capture answer 403. Ctrl-C stops it.\n`,
    );

    const signal = await untilSignal();
    await server.close();
    if (opts.kubeconfigOut === undefined) await rm(kubeconfig, { force: true });
    ctx.err(`${ctx.name} replay: stopped (${signal})\n`);
    ctx.exitCode = 0;
  });
  return cmd;
}
