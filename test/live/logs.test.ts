// `logs` and `diag --logs` against a live API server (our replay, served from a bundle
// directory): the same timeline as --from, and --follow printing lines as they are appended.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { ROOT, runInProcess } from '../helpers/cli.js';
import { kit, logBundle, reconcile, sp } from '../helpers/logs.js';
import { bundleJson, node, speakerPod } from '../helpers/cluster.js';
import { docs, service } from '../helpers/services.js';
import { tempDir, withReplay } from '../replay/helpers.js';

type Json = Record<string, unknown>;

/** A running speaker (the replay follows the logs of running containers only, as the kubelet does). */
const runningSpeaker = (nodeName: string) => speakerPod(nodeName, { containerState: '{ running: { startedAt: "2026-11-20T09:00:00Z" } }', restartCount: 0 });

const badAS = (ts: string) => kit(ts, { caller: 'native.go:115', error: 'read OPEN from "192.168.1.1:179": got BGP notification code 0x0202 (Bad peer AS)', level: 'error', localASN: 64512, msg: 'failed to connect to peer', op: 'connect', peer: '192.168.1.1:179', peerASN: 64513 });

function writeBundle(root: string): string {
  const dir = join(root, 'bundle');
  const files = logBundle({
    'speaker-node-a/speaker': [
      kit('10:00:00', { caller: 'config_controller.go:205', controller: 'ConfigReconciler', event: 'config reloaded', level: 'info' }),
      ...reconcile('10:00:01', 'shop/web', [sp('10:00:01', 'info', { event: 'serviceAnnounced', ips: ['10.0.0.5'], msg: 'service has IP, announcing', protocol: 'layer2' })]),
      badAS('10:30:00'),
    ],
  });
  files['bundle.json'] = bundleJson();
  files['resources/cluster.yaml'] = docs(node('node-a'), node('node-b'), runningSpeaker('node-a'), runningSpeaker('node-b'), service('web', { status: ['10.0.0.5'] }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('logs through a kubeconfig', () => {
  test('the same events and findings as logs --from; diag --logs has the log finding', async () => {
    const root = tempDir('mlbd-live-logs-');
    try {
      const dir = writeBundle(root);
      await withReplay(dir, async (r) => {
        const live = await runInProcess(['logs', '--kubeconfig', r.env.KUBECONFIG!, '-o', 'json']);
        const from = await runInProcess(['logs', '--from', dir, '-o', 'json']);
        assert.equal(live.code, 2, live.err);
        assert.equal(live.code, from.code);
        const events = (out: string) => ((JSON.parse(out) as Json).events as Json[]).map(({ file: _f, ...e }) => e);
        assert.deepEqual(events(live.out), events(from.out));
        assert.equal(((JSON.parse(live.out) as Json).events as Json[])[0]!.file, 'metallb-system/speaker-node-a/speaker.log');
        assert.deepEqual(((JSON.parse(live.out) as Json).findings as Json[]).map((f) => f.rule), ['log-bgp-notification']);
        // the logs were asked for with the kubelet's timestamps; nothing but GET was sent
        assert.ok(r.requests.some((q) => /\/pods\/speaker-node-a\/log$/.test(q.path) && /timestamps=true/.test(q.query)));
        assert.deepEqual([...new Set(r.requests.map((q) => q.method))], ['GET']);
        const diag = await runInProcess(['diag', '--kubeconfig', r.env.KUBECONFIG!, '--logs', '-o', 'json']);
        assert.ok(((JSON.parse(diag.out) as Json).findings as Json[]).some((f) => f.rule === 'log-bgp-notification'), diag.err);
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('--follow prints the existing events, then lines appended while it runs, and the findings on Ctrl-C', async () => {
    const root = tempDir('mlbd-live-logs-');
    try {
      const dir = writeBundle(root);
      await withReplay(dir, async (r) => {
        const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli', 'metallb-doctor.ts'), 'logs', '-f', '--since', '24h', '--kubeconfig', r.env.KUBECONFIG!, '--no-color'], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c));
        child.stderr.on('data', (c: Buffer) => (err += c));
        const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
        const waitFor = async (re: RegExp, what: string) => {
          for (let i = 0; i < 300 && !re.test(out); i++) await new Promise((res) => setTimeout(res, 100));
          assert.match(out, re, `${what}; stderr: ${err}`);
        };
        try {
          await waitFor(/bgp-notification-received/, 'the existing lines');
          assert.match(out, /^2026-11-20 10:00:00Z  node-a speaker\s+config-reloaded/m);
          // a new line, as the speaker writes it
          appendFileSync(join(dir, 'logs', 'metallb-system', 'speaker-node-a', 'speaker.log'), kit('10:40:00', { caller: 'native.go:123', event: 'sessionUp', level: 'info', localASN: 64512, msg: 'BGP session established', peer: '192.168.1.1:179', peerASN: 64513 }) + '\n');
          await waitFor(/bgp-session-up\s+peer 192\.168\.1\.1/, 'the appended line');
          child.kill('SIGINT');
          const code = await Promise.race([exited, new Promise<number>((res) => setTimeout(() => res(-2), 20_000).unref())]);
          // the session came up after the NOTIFICATION: a warning, so exit 1
          assert.equal(code, 1, `${out}\n${err}`);
          assert.match(out, /warning\s+Router 192\.168\.1\.1 sent a NOTIFICATION 2\/2 .*came up again after it/);
        } finally {
          child.kill('SIGKILL');
        }
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('BGP passwords in log lines are shown by neither logs nor diag, and a snapshot does not store them', async () => {
    const root = tempDir('mlbd-live-logs-');
    try {
      const dir = writeBundle(root);
      const reload = kit('10:45:00', { caller: 'config.go:301', cause: 'template', config: { Routers: [{ Neighbors: [{ Addr: '192.168.1.1', Password: 'hunter2-secret' }] }] }, error: 'template: frr.tmpl: bad', level: 'error', op: 'reload' });
      appendFileSync(join(dir, 'logs', 'metallb-system', 'speaker-node-a', 'speaker.log'), reload + '\n');
      for (const args of [['logs', '--from', dir, '-o', 'json', '-v'], ['logs', '--from', dir, '--all', '-v'], ['diag', '--from', dir, '-o', 'json']]) {
        const r = await runInProcess(args);
        assert.ok(!r.out.includes('hunter2'), `${args.join(' ')} printed the password`);
      }
      await withReplay(dir, async (r) => {
        const out = join(root, 'snap');
        const snap = await runInProcess(['snapshot', out, '--kubeconfig', r.env.KUBECONFIG!, '--logs']);
        assert.equal(snap.code, 0, snap.err);
        const log = readFileSync(join(out, 'logs', 'metallb-system', 'speaker-node-a', 'speaker.log'), 'utf8');
        assert.ok(log.includes('"op":"reload"') && !log.includes('hunter2'), log);
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
