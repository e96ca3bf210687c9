// Small test networks built from Linux network namespaces: "nodes" (a namespace each) joined by
// "switches" (a namespace holding a bridge) with veth pairs. Every name is unique per TestNet
// (prefix, pid, random), so test files running in parallel never collide, and cleanup() deletes
// what it made, also when the process exits. Needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN).
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const EXEC_TIMEOUT_MS = 10_000;
const ORPHAN_AGE_MS = 10 * 60_000;
/** Every namespace a TestNet makes is named `mlbd-<prefix>-<pid>-<random>-<name>`. */
const NAME = /^mlbd-[a-z0-9]+-(\d+)-[0-9a-f]{6}-/;

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

function ipCmd(args: string[], timeoutMs = EXEC_TIMEOUT_MS): ExecResult {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  const why = r.error ? `${r.error.message}\n` : '';
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: why + (r.stderr ?? '') };
}

function mustIp(args: string[]): string {
  const r = ipCmd(args);
  if (r.code !== 0) throw new Error(`ip ${args.join(' ')} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout;
}

let availability: { ok: true } | { ok: false; why: string } | undefined;

/** Can this process build namespaces and veth pairs? Tried once for real, then remembered. */
export function netnsAvailable(): { ok: true } | { ok: false; why: string } {
  if (availability) return availability;
  availability = check();
  return availability;
}

function check(): { ok: true } | { ok: false; why: string } {
  if (process.platform !== 'linux') return { ok: false, why: `network namespaces need Linux (this is ${process.platform})` };
  if (process.getuid?.() !== 0) return { ok: false, why: 'network namespaces need root' };
  const probe = `mlbd-probe-${process.pid}-${randomBytes(3).toString('hex')}`;
  const add = ipCmd(['netns', 'add', probe]);
  if (add.code !== 0) {
    return { ok: false, why: /ENOENT/.test(add.stderr) ? 'ip (iproute2) is not installed' : `ip netns add failed: ${add.stderr.trim()}` };
  }
  try {
    const veth = ipCmd(['-n', probe, 'link', 'add', 'name', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1']);
    if (veth.code !== 0) return { ok: false, why: `cannot create a veth pair: ${veth.stderr.trim()}` };
    return { ok: true };
  } finally {
    ipCmd(['netns', 'delete', probe]);
  }
}

/** Where a program is on PATH, or undefined. */
export function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return join(dir, program);
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * True when namespaces work (and every program in `tools` is installed). Otherwise skips the test
 * with the reason printed, or fails it when CI is set: CI installs what these tests need.
 */
export function requireNetns(t: { skip(msg: string): void }, tools: string[] = []): boolean {
  const a = netnsAvailable();
  let why = a.ok ? undefined : a.why;
  const missing = tools.filter((p) => onPath(p) === undefined);
  if (why === undefined && missing.length > 0) why = `not installed: ${missing.join(', ')}`;
  if (why === undefined) return true;
  if (process.env.CI) assert.fail(`network namespace test cannot run (CI is set, so this fails): ${why}`);
  console.log(`network namespace test skipped: ${why}`);
  t.skip(why);
  return false;
}

const live = new Set<TestNet>();
let hooked = false;

/** One exit hook for every TestNet; on SIGINT/SIGTERM clean up, then die of the signal as before. */
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const net of [...live]) net.cleanup();
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const net of [...live]) net.cleanup();
      process.kill(process.pid, sig);
    });
  }
}

/**
 * Namespaces a TestNet of a process that no longer exists left behind (it was killed), once they
 * are old enough that the pid cannot be a process we merely fail to see.
 */
function sweepOrphans(): void {
  const r = ipCmd(['netns', 'list']);
  if (r.code !== 0) return;
  for (const line of r.stdout.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = NAME.exec(name);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') continue;
      try {
        if (Date.now() - statSync(join('/run/netns', name)).mtimeMs < ORPHAN_AGE_MS) continue;
      } catch {
        continue;
      }
      ipCmd(['netns', 'delete', name]);
    }
  }
}

function randomMac(): string {
  const b = randomBytes(6);
  // locally administered, unicast
  b[0] = (b[0]! & 0xfc) | 0x02;
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export class TestNet {
  private readonly base: string;
  private readonly namespaces: string[] = [];
  private readonly children: ChildProcess[] = [];
  /** interfaces made so far in each namespace (eth0, eth1... and the switches' ports) */
  private readonly ifCount = new Map<string, number>();

  constructor(prefix: string) {
    const p = prefix.toLowerCase().replace(/[^a-z0-9]/g, '') || 'net';
    this.base = `mlbd-${p}-${process.pid}-${randomBytes(3).toString('hex')}-`;
    sweepOrphans();
    hookExit();
    live.add(this);
  }

  /** A namespace with lo up; returns its real name. */
  addNs(name: string): string {
    const ns = this.base + name;
    mustIp(['netns', 'add', ns]);
    this.namespaces.push(ns);
    live.add(this);
    mustIp(['-n', ns, 'link', 'set', 'lo', 'up']);
    return ns;
  }

  /**
   * A "switch": a namespace holding bridge br0. Multicast snooping off, so Neighbor Solicitations
   * reach every port whether or not the nodes sent MLD reports.
   */
  addSwitch(name: string): string {
    const ns = this.addNs(name);
    mustIp(['-n', ns, 'link', 'add', 'br0', 'type', 'bridge', 'mcast_snooping', '0']);
    mustIp(['-n', ns, 'link', 'set', 'br0', 'up']);
    return ns;
  }

  /**
   * A veth pair from `ns` to the switch `sw`: in `ns` as `ifname` (default eth0, eth1, ...) with
   * `mac` (default a random local one) and the addresses (CIDR; IPv6 ones without DAD), the other
   * end on the switch's bridge. Both ends are made directly in their namespaces, so nothing
   * appears in the host's.
   */
  link(ns: string, sw: string, addrs: string[], opts: { mac?: string; ifname?: string } = {}): { ifname: string; mac: string } {
    const n = this.ifCount.get(ns) ?? 0;
    this.ifCount.set(ns, n + 1);
    const ifname = opts.ifname ?? `eth${n}`;
    const port = this.ifCount.get(sw) ?? 0;
    this.ifCount.set(sw, port + 1);
    const peer = `port${port}`;
    const mac = (opts.mac ?? randomMac()).toLowerCase();
    mustIp(['link', 'add', 'name', ifname, 'netns', ns, 'address', mac, 'type', 'veth', 'peer', 'name', peer, 'netns', sw]);
    mustIp(['-n', sw, 'link', 'set', peer, 'master', 'br0', 'up']);
    for (const a of addrs) mustIp(['-n', ns, 'addr', 'add', a, 'dev', ifname, ...(a.includes(':') ? ['nodad'] : [])]);
    mustIp(['-n', ns, 'link', 'set', ifname, 'up']);
    return { ifname, mac };
  }

  /** Runs a command in a namespace (`ip netns exec`), bounded in time (default 10 s, then SIGKILL). */
  exec(ns: string, cmd: string[], opts: { timeoutMs?: number } = {}): ExecResult {
    return ipCmd(['netns', 'exec', ns, ...cmd], opts.timeoutMs ?? EXEC_TIMEOUT_MS);
  }

  /** exec() that throws with the command's stderr when it fails. */
  execOk(ns: string, cmd: string[], opts: { timeoutMs?: number } = {}): string {
    const r = this.exec(ns, cmd, opts);
    if (r.code !== 0) throw new Error(`${cmd.join(' ')} in ${ns} failed (${r.code}): ${r.stderr.trim()}`);
    return r.stdout;
  }

  /** Starts a long-running command in a namespace; cleanup() kills it. */
  spawn(ns: string, cmd: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.on('error', () => {
      // reported to whoever listens; an unheard error must not crash the test process
    });
    this.children.push(child);
    live.add(this);
    return child;
  }

  /**
   * Kills what spawn() started and anything else still running in our namespaces, then deletes
   * them (their veth pairs go with them). Idempotent; safe to call from an exit handler.
   */
  cleanup(): void {
    for (const child of this.children.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    for (const ns of this.namespaces.splice(0).reverse()) {
      const pids = ipCmd(['netns', 'pids', ns], 2000);
      for (const pid of pids.stdout.split(/\s+/).filter(Boolean).map(Number)) {
        if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }
      }
      ipCmd(['netns', 'delete', ns], 5000);
    }
    this.ifCount.clear();
    live.delete(this);
  }
}
