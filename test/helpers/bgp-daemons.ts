// Real BGP routers (GoBGP, FRR's bgpd, BIRD 2) inside the network namespaces of test/helpers/netns.ts,
// for the probe tests: each one peers with a single neighbour (the probe's address) and can be made
// to wait for our connection, to leave out the 4-byte-ASN capability, or to want TCP-MD5.
// One router per namespace: each listens on port 179 on every address of its namespace.
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestNet } from './netns.js';

export type Daemon = 'gobgp' | 'frr' | 'bird';
export const DAEMONS: readonly Daemon[] = ['gobgp', 'frr', 'bird'];

export interface RouterOptions {
  daemon: Daemon;
  /** the namespace (made by TestNet) the router runs in; it listens on its addresses there, port 179 */
  ns: string;
  /** e.g. 10.98.0.1 */
  routerId: string;
  /** the router's AS */
  localAsn: number;
  /** the neighbour (our probe's address) and the AS the router expects from it */
  neighbor: { address: string; remoteAsn: number };
  /**
   * no 4-byte-ASN capability in the router's OPEN: FRR `neighbor X dont-capability-negotiate`
   * (FRR 8 has no knob for capability 65 alone, so its OPEN then carries no capability at all),
   * BIRD `enable as4 off`; GoBGP cannot (throws). Both FRR and BIRD still read the capability 65 of
   * the OPEN they receive: neither behaves as a router that never heard of 4-byte ASNs.
   */
  no4ByteAsn?: boolean;
  /** the router waits for our connection (default true) */
  passive?: boolean;
  /** TCP-MD5 on the neighbour */
  password?: string;
}

export interface Router {
  daemon: Daemon;
  ns: string;
  /** the command line it runs with (inside `ip netns exec NS`) */
  command: string[];
  /** the configuration it was given */
  config: string;
  /**
   * how long, after a failed session (a NOTIFICATION, a dropped connection), the router refuses the
   * neighbour's next connection: GoBGP holds the peer Idle 5 s (fixed in its FSM), BIRD 1 s (the
   * `error wait time` we configure; its default is 60 s), FRR not at all
   */
  holdOffMs: number;
  stop(): Promise<void>;
  /** what the daemon said (its log file and its stdout/stderr), also after stop() */
  logs(): string;
  /** resolves once logs() matches `re`; rejects with the logs after timeoutMs (default 3000) */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<void>;
  /** resolves when the daemon listens on 179 (polled with `ss`, at most 10 s) and, for FRR, its neighbour is Active; rejects with its logs otherwise */
  ready: Promise<void>;
}

const FRR_BGPD = ['/usr/lib/frr/bgpd', '/usr/libexec/frr/bgpd'];
const READY_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
  for (const d of dirs) if (d && executable(join(d, name))) return join(d, name);
  return undefined;
}

function binary(d: Daemon): string | undefined {
  if (d === 'gobgp') return onPath('gobgpd');
  if (d === 'bird') return onPath('bird');
  return FRR_BGPD.find(executable);
}

const PACKAGE: Record<Daemon, string> = { gobgp: 'gobgpd', frr: 'frr', bird: 'bird2' };

export function daemonAvailable(d: Daemon): { ok: true } | { ok: false; why: string } {
  if (binary(d)) return { ok: true };
  const what = d === 'gobgp' ? 'gobgpd' : d === 'bird' ? 'bird' : FRR_BGPD.join(' or ');
  return { ok: false, why: `${what} not found (apt-get install -y ${PACKAGE[d]})` };
}

const is2Byte = (asn: number) => Number.isInteger(asn) && asn >= 1 && asn <= 65535;
const isAsn = (asn: number) => Number.isInteger(asn) && asn >= 1 && asn <= 0xffffffff;

function validate(o: RouterOptions): void {
  if (isIP(o.routerId) !== 4) throw new Error(`routerId ${o.routerId} is not an IPv4 address`);
  if (!isIP(o.neighbor.address)) throw new Error(`neighbor ${o.neighbor.address} is not an IP address`);
  for (const [what, asn] of [['localAsn', o.localAsn], ['remoteAsn', o.neighbor.remoteAsn]] as const) {
    if (!isAsn(asn)) throw new Error(`${what} ${asn} is not an ASN`);
    // A router without 4-byte ASNs can only name a 4-byte AS by AS_TRANS (BIRD refuses the rest).
    if (o.no4ByteAsn && !is2Byte(asn)) throw new Error(`${what} ${asn} needs 4 bytes, which a router without the 4-byte-ASN capability cannot have (use 23456, AS_TRANS)`);
  }
  if (o.no4ByteAsn && o.daemon === 'gobgp') throw new Error('GoBGP always sends the 4-byte-ASN capability: use frr or bird for no4ByteAsn');
  if (o.password !== undefined) {
    // FRR takes the password as one word; none of the three configs would survive a quote or a newline.
    if (!/^[\x21-\x7e]{1,80}$/.test(o.password) || /["'\\#!]/.test(o.password)) {
      throw new Error('password: printable ASCII without spaces, quotes, backslash, # or !, at most 80 characters');
    }
  }
}

interface Plan {
  config: string;
  configName: string;
  /** the daemon's own log file, in the temp dir */
  logName?: string;
  command(dir: string): string[];
  holdOffMs: number;
  /** what the daemon logs once its neighbour is configured and waiting: listening alone is not ready */
  readyLog?: RegExp;
}

function frrPlan(o: RouterOptions, bin: string): Plan {
  const n = o.neighbor.address;
  const lines = [
    'frr defaults traditional',
    'hostname metallb-doctor-test',
    'log file @DIR@/bgpd.log debugging',
    'debug bgp neighbor-events',
    `router bgp ${o.localAsn}`,
    ` bgp router-id ${o.routerId}`,
    ' no bgp ebgp-requires-policy',
    ' bgp log-neighbor-changes',
    ` neighbor ${n} remote-as ${o.neighbor.remoteAsn}`,
  ];
  if (o.passive ?? true) lines.push(` neighbor ${n} passive`);
  if (o.no4ByteAsn) lines.push(` neighbor ${n} dont-capability-negotiate`);
  if (o.password !== undefined) lines.push(` neighbor ${n} password ${o.password}`);
  return {
    config: lines.join('\n') + '\n',
    configName: 'bgpd.conf',
    logName: 'bgpd.log',
    // -Z: no zebra; -n: no kernel routes; -S: stay root (with -u frr it could not write its pid file
    // in our temp dir); -P 0: no vty TCP port, only the socket in our dir (vtysh --vty_socket DIR -d bgpd).
    command: (dir) => [bin, '-Z', '-n', '-S', '-P', '0', '-f', join(dir, 'bgpd.conf'), '-i', join(dir, 'bgpd.pid'), '--vty_socket', dir],
    holdOffMs: 0,
    // FRR listens while its neighbour is still Idle (until the start timer fires); a connection then
    // meets a neighbour that judges our OPEN before sending its own
    readyLog: /\bwent from \w+ to Active\b/,
  };
}

function birdPlan(o: RouterOptions, bin: string): Plan {
  const lines = [
    'log "@DIR@/bird.log" all;',
    `router id ${o.routerId};`,
    'debug protocols { states, events, packets };',
    // the device protocol tells BIRD its interfaces, so it sees the neighbour as directly connected
    'protocol device {}',
    'protocol bgp probe {',
    `  local as ${o.localAsn};`,
    `  neighbor ${o.neighbor.address} as ${o.neighbor.remoteAsn};`,
    `  passive ${o.passive ?? true ? 'on' : 'off'};`,
    // after an error BIRD refuses the neighbour for 60 s (doubling up to 300 s) by default
    '  error wait time 1, 1;',
    // when not passive: the first connect after 1 s rather than 5
    '  connect delay time 1;',
  ];
  if (o.no4ByteAsn) lines.push('  enable as4 off;');
  if (o.password !== undefined) lines.push(`  password "${o.password}";`);
  // both families whatever the session's: a peer offering only the other one is still accepted
  lines.push('  ipv4 { import all; export none; };', '  ipv6 { import all; export none; };', '}');
  return {
    config: lines.join('\n') + '\n',
    configName: 'bird.conf',
    logName: 'bird.log',
    command: (dir) => [bin, '-f', '-c', join(dir, 'bird.conf'), '-s', join(dir, 'bird.ctl'), '-P', join(dir, 'bird.pid')],
    holdOffMs: 1000,
  };
}

function gobgpPlan(o: RouterOptions, bin: string): Plan {
  const lines = [
    '[global.config]',
    `  as = ${o.localAsn}`,
    `  router-id = ${JSON.stringify(o.routerId)}`,
    '  port = 179',
    '',
    '[[neighbors]]',
    '  [neighbors.config]',
    `    neighbor-address = ${JSON.stringify(o.neighbor.address)}`,
    `    peer-as = ${o.neighbor.remoteAsn}`,
  ];
  if (o.password !== undefined) lines.push(`    auth-password = ${JSON.stringify(o.password)}`);
  lines.push('  [neighbors.transport.config]', `    passive-mode = ${o.passive ?? true}`);
  // the gRPC API on a port of its own (in the namespace's loopback), so two instances never collide
  const apiPort = 20000 + Math.floor(Math.random() * 30000);
  return {
    config: lines.join('\n') + '\n',
    configName: 'gobgpd.toml',
    command: (dir) => [bin, '-f', join(dir, 'gobgpd.toml'), '-t', 'toml', '-p', '-l', 'debug', '--api-hosts', `127.0.0.1:${apiPort}`, '--pprof-disable'],
    holdOffMs: 5000,
  };
}

interface Live {
  child: ChildProcess;
  dir: string;
}
/** routers not yet stopped: killed and their temp dirs removed if the process ends first */
const live = new Set<Live>();
function killLive(): void {
  for (const l of live) {
    try {
      l.child.kill('SIGKILL');
    } catch {
      // already gone
    }
    rmSync(l.dir, { recursive: true, force: true });
  }
  live.clear();
}
let hooked = false;
/**
 * On exit, and on SIGINT/SIGTERM (which end the process without an 'exit' event): clean up, then
 * die of the signal as test/helpers/netns.ts does. Hooked at the first router, never at import, so
 * a file that starts none keeps the default signal behaviour.
 */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killLive);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      killLive();
      process.kill(process.pid, sig);
    });
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, ms);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/** Does process `pid` listen on TCP port `port` in `ns`? (Another router there must not count.) */
function listening(net: TestNet, ns: string, port: number, pid: number | undefined): boolean {
  const r = net.exec(ns, ['ss', '-Hltnp', `sport = :${port}`], { timeoutMs: 2000 });
  return r.code === 0 && pid !== undefined && r.stdout.includes(`pid=${pid},`);
}

export async function startRouter(net: TestNet, o: RouterOptions): Promise<Router> {
  const bin = binary(o.daemon);
  if (!bin) throw new Error((daemonAvailable(o.daemon) as { why: string }).why);
  validate(o);
  // FRR listens with SO_REUSEPORT, so a second router would "start" fine and share the port
  const taken = net.exec(o.ns, ['ss', '-Hltnp', 'sport = :179'], { timeoutMs: 2000 }).stdout.trim();
  if (taken) throw new Error(`one router per namespace: port 179 in ${o.ns} is taken already: ${taken}`);
  const plan = o.daemon === 'frr' ? frrPlan(o, bin) : o.daemon === 'bird' ? birdPlan(o, bin) : gobgpPlan(o, bin);
  const dir = mkdtempSync(join(tmpdir(), `mld-${o.daemon}-`));
  const config = plan.config.replaceAll('@DIR@', dir);
  const command = plan.command(dir);
  // stdout and stderr go to a file rather than a pipe: the tests block the event loop in spawnSync
  // (TestNet.exec) while the daemon talks, and logs() must still see what it said meanwhile
  const outputFile = join(dir, 'output.log');
  let child: ChildProcess;
  try {
    writeFileSync(join(dir, plan.configName), config, { mode: 0o600 });
    child = net.spawn(o.ns, ['/bin/sh', '-c', 'f=$1; shift; exec "$@" >>"$f" 2>&1', 'sh', outputFile, ...command]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const entry: Live = { child, dir };
  live.add(entry);
  hookExit();
  let spawnError = '';
  child.on('error', (e) => (spawnError = `spawn failed: ${e.message}\n`));

  let finalLogs: string | undefined;
  const read = (name: string) => {
    try {
      return readFileSync(join(dir, name), 'utf8');
    } catch {
      return ''; // not written yet
    }
  };
  const logs = () => finalLogs ?? (plan.logName ? read(plan.logName) : '') + read('output.log') + spawnError;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (!exited(child)) {
        child.kill('SIGTERM');
        if (!(await waitExit(child, STOP_TIMEOUT_MS))) {
          child.kill('SIGKILL');
          await waitExit(child, 2000);
        }
      }
      finalLogs = logs();
      rmSync(dir, { recursive: true, force: true });
      live.delete(entry);
    })());

  const ready = (async () => {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (exited(child)) throw new Error(`${o.daemon} exited (${child.exitCode ?? child.signalCode}) before listening on 179:\n${logs()}`);
      if (listening(net, o.ns, 179, child.pid) && (!plan.readyLog || plan.readyLog.test(logs()))) return;
      if (Date.now() > deadline) throw new Error(`${o.daemon} did not listen on 179 within ${READY_TIMEOUT_MS / 1000} s:\n${logs()}`);
      await sleep(100);
    }
  })();
  // a caller that never awaits `ready` must not crash the run with an unhandled rejection
  ready.catch(() => {});

  const waitForLog = async (re: RegExp, timeoutMs = 3000) => {
    const deadline = Date.now() + timeoutMs;
    while (!re.test(logs())) {
      if (Date.now() > deadline) throw new Error(`${o.daemon} did not log ${re} within ${timeoutMs} ms:\n${logs()}`);
      await sleep(50);
    }
  };

  return { daemon: o.daemon, ns: o.ns, command, config, holdOffMs: plan.holdOffMs, stop, logs, waitForLog, ready };
}

/**
 * nftables in a namespace: drop TCP to `port` (the "filtered port" case: SYNs vanish, a connect
 * times out). Incoming only, IPv4 and IPv6; the rule counts what it dropped (`nft list table inet
 * mld_filter`). Throws when nft fails.
 */
export function filterPort(net: TestNet, ns: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port}`);
  const steps = [
    ['nft', 'add', 'table', 'inet', 'mld_filter'],
    ['nft', 'add', 'chain', 'inet', 'mld_filter', 'input', '{ type filter hook input priority 0; policy accept; }'],
    ['nft', 'add', 'rule', 'inet', 'mld_filter', 'input', 'tcp', 'dport', String(port), 'counter', 'drop'],
  ];
  for (const cmd of steps) {
    const r = net.exec(ns, cmd, { timeoutMs: 5000 });
    if (r.code !== 0) throw new Error(`${cmd.join(' ')} in ${ns}: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
}
