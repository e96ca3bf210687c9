// `probe arp IP` / `probe ndp IP`: who answers ARP (IPv4) or Neighbor Solicitation (IPv6) for an
// address, with every distinct MAC. Node.js has no raw sockets, so the standard tools do the
// asking (iputils `arping`, `ndisc6`) and we read what they print. No shell: arguments go to spawn
// as a list, and a hard timeout kills the tool so a probe never hangs.

import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatIP, parseIP } from '../../model/address.js';
import type { NeighborProbe, ProbeError } from '../../model/probe.js';

export interface NeighborOptions {
  /** the interface to ask on; default: the one `ip route get IP` picks */
  interface?: string;
  /** requests to send (default 3); arping (iputils, with a deadline) stops early once this many replies came, at least 2 */
  count?: number;
  /** the whole probe, ms (default 3000); arping takes whole seconds, at least 1 */
  timeoutMs?: number;
  /** run the tool through this prefix (tests: ['ip','netns','exec','client']); default none */
  prefix?: string[];
  /** the program to run (default `arping` / `ndisc6`): a path for an install outside PATH */
  tool?: string;
}

export interface ParsedReplies {
  replies: { mac: string; rttMs?: number }[];
  sent?: number;
}

const DEFAULT_COUNT = 3;
const DEFAULT_TIMEOUT_MS = 3000;
/** Between asking the tool to stop (SIGINT: iputils arping then prints its summary) and SIGKILL. */
const KILL_GRACE_MS = 300;
/** Beyond the tool's own deadline before we stop it: it normally exits on its own first. */
const OVERRUN_MS = 500;
const ROUTE_TIMEOUT_MS = 2000;
const MAX_OUTPUT = 256 * 1024;

/** Debian packages, for the message when a program is missing. */
const PACKAGE_OF: Record<string, string> = { arping: 'iputils-arping', ndisc6: 'ndisc6', ip: 'iproute2' };

/** Lower case, colon separated, two digits an octet (Habets' arping and others may print `0:1b:...`). */
function normaliseMac(mac: string): string {
  return mac
    .split(/[:-]/)
    .map((o) => o.toLowerCase().padStart(2, '0'))
    .join(':');
}

const MAC_TEXT = '[0-9A-Fa-f]{1,2}(?:[:-][0-9A-Fa-f]{1,2}){5,19}';

function toMs(value: string, unit: string | undefined): number | undefined {
  const n = Number(value);
  if (!Number.isFinite(n)) return undefined;
  switch ((unit ?? 'ms').toLowerCase()) {
    case 'nsec':
    case 'ns':
      return n / 1e6;
    case 'usec':
    case 'us':
      return n / 1e3;
    case 'sec':
    case 's':
      return n * 1e3;
    default:
      return n;
  }
}

/**
 * The replies in an arping output. iputils (and busybox/toybox, which copy it):
 * `Unicast reply from 10.0.0.5 [AA:BB:CC:DD:EE:FF]  0.712ms` and `Sent 3 probes (1 broadcast(s))`;
 * Thomas Habets' arping: `60 bytes from aa:bb:cc:dd:ee:ff (10.0.0.5): index=0 time=712.000 usec`
 * and `3 packets transmitted, 3 packets received`.
 */
export function parseArping(stdout: string): ParsedReplies {
  const replies: ParsedReplies['replies'] = [];
  let sent: number | undefined;
  const iputils = new RegExp(`^\\s*(?:Unicast|Broadcast) reply from \\S+ \\[(${MAC_TEXT})\\](.*)$`);
  const habets = new RegExp(`^\\s*\\d+ bytes from (${MAC_TEXT}) \\([^)]*\\):(.*)$`);
  for (const line of stdout.split(/\r?\n/)) {
    let m = iputils.exec(line);
    if (m) {
      // `for 10.0.0.1 [..]` may sit between the MAC and the time (a reply for another address)
      const t = /(\d+(?:\.\d+)?)\s*(ms|usec|us|sec|s)\b/.exec(m[2]!);
      replies.push(withRtt(normaliseMac(m[1]!), t ? toMs(t[1]!, t[2]) : undefined));
      continue;
    }
    m = habets.exec(line);
    if (m) {
      const t = /time=(\d+(?:\.\d+)?)\s*(nsec|usec|msec|sec|ns|us|ms|s)?/.exec(m[2]!);
      replies.push(withRtt(normaliseMac(m[1]!), t ? toMs(t[1]!, t[2]?.replace(/^msec$/, 'ms')) : undefined));
      continue;
    }
    const s = /^\s*Sent (\d+) probes?\b/.exec(line) ?? /^\s*(\d+) packets transmitted/.exec(line);
    if (s) sent = Number(s[1]);
  }
  return sent === undefined ? { replies } : { replies, sent };
}

/**
 * The answers in an ndisc6 output (1.0.x, `-m -n`): one `Target link-layer address: AA:BB:...`
 * per answer, each followed by ` from fd00::10`; `Timed out.` for each attempt nobody answered,
 * and `No response.` at the end when none did. ndisc6 prints no round-trip time. With `-q` it
 * prints the bare MACs, one a line. An attempt that got an answer ends the probe, so the requests
 * sent are the timed-out attempts plus the one answered.
 */
export function parseNdisc6(stdout: string): ParsedReplies {
  const replies: ParsedReplies['replies'] = [];
  let timedOut = 0;
  let finished = false;
  const target = new RegExp(`^\\s*Target link-layer address:\\s*(${MAC_TEXT})\\s*$`);
  const bare = new RegExp(`^\\s*(${MAC_TEXT})\\s*$`);
  for (const line of stdout.split(/\r?\n/)) {
    const m = target.exec(line) ?? bare.exec(line);
    if (m) replies.push({ mac: normaliseMac(m[1]!) });
    else if (/^\s*Timed out\.?\s*$/.test(line)) timedOut++;
    else if (/^\s*No response\.?\s*$/.test(line)) finished = true;
  }
  if (replies.length > 0) return { replies, sent: timedOut + 1 };
  if (finished || timedOut > 0) return { replies, sent: timedOut };
  return { replies };
}

function withRtt(mac: string, rttMs: number | undefined): { mac: string; rttMs?: number } {
  return rttMs === undefined ? { mac } : { mac, rttMs };
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** the spawn itself failed (ENOENT, EACCES...) */
  spawnError?: NodeJS.ErrnoException;
  /** we stopped it at the deadline */
  killed: boolean;
}

/**
 * Runs argv without a shell; at `deadlineMs` asks it to stop (SIGINT), then kills it. The child
 * leads its own process group so a prefix that forks (sudo) goes down with the tool.
 */
function run(argv: string[], deadlineMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let killed = false;
    let settled = false;
    let child: ReturnType<typeof spawn>;
    const timers: NodeJS.Timeout[] = [];
    const finish = (r: Omit<RunResult, 'stdout' | 'stderr' | 'killed'>) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      resolve({ ...r, stdout, stderr, killed });
    };
    try {
      child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, LC_ALL: 'C' } });
    } catch (e) {
      finish({ code: null, signal: null, spawnError: e as NodeJS.ErrnoException });
      return;
    }
    const signalGroup = (sig: NodeJS.Signals) => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        try {
          child.kill(sig);
        } catch {
          // already gone
        }
      }
    };
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d;
    });
    child.stderr!.on('data', (d: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += d;
    });
    child.on('error', (e) => finish({ code: null, signal: null, spawnError: e as NodeJS.ErrnoException }));
    child.on('close', (code, signal) => finish({ code, signal }));
    timers.push(
      setTimeout(() => {
        killed = true;
        signalGroup('SIGINT');
        timers.push(setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS));
      }, Math.max(0, deadlineMs)),
    );
  });
}

/** A command line a user can paste: arguments quoted for a POSIX shell where they need it. */
function commandLine(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The interface the kernel would use toward an address (`ip -j route get IP` -> dev), or undefined. */
export async function interfaceFor(ip: string, prefix: string[] = []): Promise<string | undefined> {
  const r = await run([...prefix, 'ip', '-j', 'route', 'get', ip], ROUTE_TIMEOUT_MS);
  if (r.spawnError || r.code !== 0) return undefined;
  try {
    const routes = JSON.parse(r.stdout) as { dev?: unknown }[];
    const dev = Array.isArray(routes) ? routes[0]?.dev : undefined;
    return typeof dev === 'string' && dev !== '' ? dev : undefined;
  } catch {
    return undefined;
  }
}

function packageHint(program: string): string {
  const name = basename(program);
  const pkg = PACKAGE_OF[name];
  return pkg ? `install it: apt-get install ${pkg}` : `install ${name}`;
}

/**
 * Why a run could not probe, from the spawn error, the tool's (or the prefix's) stderr and its exit
 * code; undefined when it ran. The messages of iputils arping, ndisc6, `ip netns exec`, env, sudo.
 */
export function classifyFailure(tool: string, argv: string[], r: Pick<RunResult, 'spawnError' | 'stderr' | 'stdout' | 'code'>): ProbeError | undefined {
  const name = basename(tool);
  if (r.spawnError) {
    const program = argv[0]!;
    if (r.spawnError.code === 'ENOENT') return { code: 'missing-tool', message: `${basename(program)} not found: ${packageHint(program)}` };
    if (r.spawnError.code === 'EACCES' || r.spawnError.code === 'EPERM') return noPrivileges(program, r.spawnError.message);
    return { code: 'failed', message: `${basename(program)} could not start: ${r.spawnError.message}` };
  }
  // arping says "Interface "lo" is not ARPable" on stdout, ndisc6 some errors too: read both
  const err = [r.stderr.trim(), r.stdout.trim()].filter((x) => /not ARPable|Network is unreachable|No such device/i.test(x) || x === r.stderr.trim()).join('\n').trim();
  const firstLine = (err.split('\n').find((l) => /not ARPable|Network is unreachable|No such device/i.test(l)) ?? err.split('\n')[0]) ?? '';
  const missing =
    /exec of "([^"]+)" failed: No such file or directory/.exec(err) ??
    /^(?:[\w./-]+: )?[‘'"`]?([^\s‘’'"`:]+)[’'"`]?: (?:No such file or directory|command not found|not found)\s*$/m.exec(err);
  if (missing && (basename(missing[1]!) === name || PACKAGE_OF[basename(missing[1]!)])) {
    return { code: 'missing-tool', message: `${basename(missing[1]!)} not found: ${packageHint(missing[1]!)}` };
  }
  if (/Operation not permitted|Permission denied/i.test(err)) return noPrivileges(tool, firstLine);
  if (/Device \S+ not available|No such device|is down|not ARPable|Cannot find device|unknown interface/i.test(err)) {
    return { code: 'bad-interface', message: firstLine.replace(/^arping: /, '') || 'unknown interface' };
  }
  if (/Network is unreachable/i.test(err)) return { code: 'bad-interface', message: `${firstLine.trim()}: no route on that interface toward the address` };
  // the tools exit non-zero for "no answer" (arping 1, ndisc6 2) after printing their normal output;
  // anything else with words on stderr and nothing we know on stdout is a failure to run
  const ranNormally = /^(ARPING|Soliciting)\b/m.test(r.stdout) || /Sent \d+ probe|packets transmitted|No response\.|Timed out\./.test(r.stdout);
  if (!ranNormally && (err !== '' || (r.code !== 0 && r.code !== null))) {
    return { code: 'failed', message: `${name} failed${r.code !== null ? ` (exit ${r.code})` : ''}${firstLine ? `: ${firstLine}` : ''}` };
  }
  return undefined;
}

function noPrivileges(program: string, detail: string): ProbeError {
  const name = basename(program);
  return {
    code: 'no-privileges',
    message: `${name} needs root or CAP_NET_RAW: sudo, or setcap cap_net_raw+ep $(command -v ${name})${detail ? ` (${detail.replace(/^\S+: /, '')})` : ''}`,
  };
}

interface Plan {
  kind: 'arp' | 'ndp';
  tool: string;
  /** the tool's arguments given the interface */
  args(iface: string): string[];
  parse(stdout: string): ParsedReplies;
  /** requests sent by `elapsedMs` when the tool was killed before its summary */
  sentBy(elapsedMs: number): number;
  /** how long the tool itself plans to run, ms */
  plannedMs: number;
}

async function probe(target: string, plan: Plan, opts: NeighborOptions, start: number, timeoutMs: number): Promise<NeighborProbe> {
  const prefix = opts.prefix ?? [];
  let iface = opts.interface;
  const base = { kind: plan.kind, target, sent: 0, replies: [] as NeighborProbe['replies'] };
  const fail = (error: ProbeError, command: string, on?: string): NeighborProbe => ({
    ...base,
    ...(on !== undefined ? { interface: on } : {}),
    result: 'error',
    error,
    command,
    durationMs: Math.round(performance.now() - start),
  });
  if (iface === undefined) {
    iface = await interfaceFor(target, prefix);
    if (iface === undefined) {
      return fail({ code: 'bad-interface', message: `no route toward ${target} from here (ip route get ${target}): name the interface to ask on` }, commandLine([...prefix, plan.tool, ...plan.args('IFACE')]));
    }
  }
  const argv = [...prefix, plan.tool, ...plan.args(iface)];
  const command = commandLine(argv);
  const left = timeoutMs - (performance.now() - start);
  const r = await run(argv, Math.max(plan.plannedMs, left) + OVERRUN_MS);
  const error = classifyFailure(plan.tool, argv, r);
  if (error) return fail(error, command, iface);

  const parsed = plan.parse(r.stdout);
  const byMac = new Map<string, { mac: string; count: number; rttMs?: number }>();
  for (const reply of parsed.replies) {
    const seen = byMac.get(reply.mac);
    if (seen) seen.count++;
    else byMac.set(reply.mac, reply.rttMs === undefined ? { mac: reply.mac, count: 1 } : { mac: reply.mac, count: 1, rttMs: reply.rttMs });
  }
  const replies = [...byMac.values()];
  const durationMs = Math.round(performance.now() - start);
  return {
    ...base,
    interface: iface,
    sent: parsed.sent ?? plan.sentBy(durationMs),
    replies,
    result: replies.length === 0 ? 'no-reply' : replies.length === 1 ? 'answered' : 'multiple-macs',
    command,
    durationMs,
  };
}

function settings(opts: NeighborOptions): { count: number; timeoutMs: number } {
  const count = Number.isInteger(opts.count) && opts.count! > 0 ? opts.count! : DEFAULT_COUNT;
  const timeoutMs = typeof opts.timeoutMs === 'number' && opts.timeoutMs > 0 ? opts.timeoutMs : DEFAULT_TIMEOUT_MS;
  return { count, timeoutMs };
}

function badTarget(kind: 'arp' | 'ndp', target: string, tool: string, why: string, start: number): NeighborProbe {
  return {
    kind,
    target,
    sent: 0,
    replies: [],
    result: 'error',
    error: { code: 'failed', message: why },
    command: tool,
    durationMs: Math.round(performance.now() - start),
  };
}

/**
 * Who answers ARP for an IPv4 address: `arping -c COUNT -w DEADLINE -I IFACE IP` (iputils). It
 * prints every reply, so two owners show as two MACs; with a deadline it stops once COUNT replies
 * came, or at the deadline. No -f: the first reply alone cannot show a second owner. After the
 * first reply iputils asks by unicast (the MAC that answered last), so it is the first, broadcast
 * request that reaches every owner.
 */
export async function probeArp(ip: string, opts: NeighborOptions = {}): Promise<NeighborProbe> {
  const start = performance.now();
  const tool = opts.tool ?? 'arping';
  const addr = parseIP(ip);
  if (addr === undefined || addr.family !== 4) {
    return badTarget('arp', ip, tool, `${ip} is not an IPv4 address${addr?.family === 6 ? ': IPv6 neighbours answer NDP (probe ndp)' : ''}`, start);
  }
  const target = formatIP(addr);
  const { count, timeoutMs } = settings(opts);
  // arping's deadline is whole seconds
  const deadlineS = Math.max(1, Math.floor(timeoutMs / 1000));
  // with a deadline, iputils counts replies: it stops once -c of them came. Every owner answers the
  // first (broadcast) request at once, so waiting for 2 lets a second owner show even at count 1
  const replies = Math.max(2, count);
  return probe(
    target,
    {
      kind: 'arp',
      tool,
      args: (iface) => ['-c', String(replies), '-w', String(deadlineS), '-I', iface, target],
      parse: parseArping,
      // iputils sends one request a second from the start
      sentBy: (elapsedMs) => Math.floor(elapsedMs / 1000) + 1,
      plannedMs: deadlineS * 1000,
    },
    opts,
    start,
    timeoutMs,
  );
}

/**
 * Who answers Neighbor Solicitation for an IPv6 address: `ndisc6 -m -n -r COUNT -w WAIT IP IFACE`.
 * -m waits out the attempt for every answer (two owners show as two MACs); WAIT splits the
 * timeout between the COUNT attempts, so the probe ends within it.
 */
export async function probeNdp(ip: string, opts: NeighborOptions = {}): Promise<NeighborProbe> {
  const start = performance.now();
  const tool = opts.tool ?? 'ndisc6';
  // a link-local address may carry its zone (`fe80::1%eth0`): the interface to ask on
  const [bare, zone] = ip.split('%', 2) as [string, string | undefined];
  if (zone && opts.interface === undefined) opts = { ...opts, interface: zone };
  const addr = parseIP(bare);
  if (addr === undefined || addr.family !== 6) {
    return badTarget('ndp', ip, tool, `${ip} is not an IPv6 address${addr?.family === 4 ? ': IPv4 neighbours answer ARP (probe arp)' : ''}`, start);
  }
  const target = formatIP(addr);
  const { count, timeoutMs } = settings(opts);
  const waitMs = Math.max(100, Math.floor(timeoutMs / count));
  return probe(
    target,
    {
      kind: 'ndp',
      tool,
      args: (iface) => ['-m', '-n', '-r', String(count), '-w', String(waitMs), target, iface],
      parse: parseNdisc6,
      sentBy: (elapsedMs) => Math.min(count, Math.floor(elapsedMs / waitMs) + 1),
      plannedMs: waitMs * count,
    },
    opts,
    start,
    timeoutMs,
  );
}
