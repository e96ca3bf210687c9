// `init l2` / `init bgp`: writes a MetalLB deployment folder (namespace, helmwave release, Helm
// values, the MetalLB configuration, kustomization, a test Service, a README) from a few flags or
// prompts, after checking the input and linting what it would write. Exit codes (cli.md): 0 written
// and clean, 2 the input itself is wrong (nothing written), 3 bad arguments or files it may not
// overwrite (nothing written); 1 or 2 with nothing written when its own output fails lint (a bug).
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { Command } from 'commander';
import { parseIP, parsePoolEntry } from '../../model/address.js';
import { MAX_ASN } from '../../model/asn.js';
import {
  chartVersionOf,
  generateInit,
  NEWEST_METALLB,
  parseVersion,
  validateInit,
  type GeneratedFile,
  type InitInput,
  type InitMode,
} from '../../model/deploy/init.js';
import { loadInputs } from '../../sources/load.js';
import { ClusterState } from '../../state/cluster-state.js';
import { fileRules } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { exitCodeFor, summarize } from '../../report/build.js';
import type { Finding } from '../../report/types.js';
import { collect, UsageError } from '../common.js';
import type { CliContext } from '../context.js';

/** Asks one question; undefined when the input has ended. Tests hand in a scripted one. */
export type Ask = (question: string) => Promise<string | undefined>;

export interface InitDeps {
  ask?: Ask;
  /** the files for a valid input (generateInit); tests hand in a faulty one */
  generate?: (input: InitInput) => GeneratedFile[];
}

interface InitOptions {
  addresses: string[];
  poolName: string;
  dir: string;
  chartVersion: string;
  controlPlane?: boolean;
  nodeAddress: string[];
  force?: boolean;
  interactive?: boolean;
  myAsn?: string;
  peerAsn?: string;
  peerAddress: string[];
  bfd?: boolean;
  communities: string[];
}

function parseASN(flag: string, text: string): number {
  const t = text.trim();
  if (!/^\d+$/.test(t) || Number(t) > MAX_ASN) throw new UsageError(`${flag} ${text}: expected an AS number, 0-${MAX_ASN}`);
  return Number(t);
}

function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--addresses <ranges>', 'the pool: CIDRs or start-end ranges (repeatable, or comma-separated)', collect, [])
    .option('--pool-name <name>', 'name of the IPAddressPool and its advertisement', 'default')
    .option('--dir <dir>', 'the folder to write', './metallb')
    .option('--chart-version <version>', `MetalLB chart version (the newest this tool knows: ${NEWEST_METALLB})`, NEWEST_METALLB)
    .option('--control-plane', 'run the controller and speakers on control-plane nodes only (and announce from them)')
    .option('--node-address <ip>', "a node's own address: refused inside the pool; BGP routers get it as a neighbour (repeatable)", collect, [])
    .option('--force', 'overwrite files that already exist')
    .option('-i, --interactive', 'ask for the values not given as flags (stdin must be a terminal)');
}

export function initCommand(ctx: CliContext, deps: InitDeps = {}): Command {
  const init = new Command('init')
    .summary('write a MetalLB deployment folder (L2 or BGP) that passes lint')
    .description(
      'Writes a folder to deploy MetalLB with: namespace.yaml (Pod Security labels), helmwave.yml and ' +
        'values.yml (the Helm release), the MetalLB configuration and its kustomization.yaml, tests.yaml ' +
        '(an nginx LoadBalancer Service) and a README with the commands in order. The input is checked ' +
        'first (ranges, overlaps, node addresses, ASNs): nothing is written when it is wrong.',
    );
  init.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} init l2 --addresses 192.168.10.240-192.168.10.250
  ${ctx.name} init bgp --addresses 10.20.0.0/24 --my-asn 64512 --peer-asn 64513 --peer-address 10.0.0.1
  ${ctx.name} init l2 --interactive`,
  );

  const l2 = addCommonOptions(new Command('l2').summary('Layer 2: one node answers ARP/NDP for each Service address').description(
    'Writes a Layer 2 deployment: an IPAddressPool and an L2Advertisement of it, with the Helm release,\nthe namespace, a test Service and a README.',
  ));
  l2.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} init l2 --addresses 192.168.10.240-192.168.10.250
  ${ctx.name} init l2 --addresses 192.168.10.240/28,fd00:10::/124 --dir deploy/metallb
  ${ctx.name} init l2 --addresses 192.168.10.240/28 --node-address 192.168.10.11 --node-address 192.168.10.12
  ${ctx.name} init l2 --addresses 192.168.10.240/28 --control-plane     # speakers on control-plane nodes only
  ${ctx.name} init l2 --addresses 192.168.10.240/28 --chart-version 0.15.3 --force
  ${ctx.name} init l2 --interactive`,
  );
  l2.action(async (_o: unknown, self: Command) => run(ctx, deps, 'l2', self.opts<InitOptions>()));

  const bgp = addCommonOptions(new Command('bgp').summary('BGP: every node announces the Service addresses to your routers').description(
    'Writes a BGP deployment: an IPAddressPool, a BGPPeer per router (v1beta2), a BGPAdvertisement, and ' +
      'with --bfd a BFDProfile, with --communities the communities (and a Community object for NAME=VALUE ' +
      "aliases). The README has the routers' side for FRR, Cisco IOS and Junos.",
  ))
    .option('--my-asn <asn>', "the cluster's AS number")
    .option('--peer-asn <asn>', "the routers' AS number (the same as --my-asn for iBGP)")
    .option('--peer-address <ip>', 'a router to peer with (repeatable)', collect, [])
    .option('--bfd', 'fast failure detection with BFD (a BFDProfile of 300 ms x 3)')
    .option('--communities <list>', 'communities on the routes: A:B, large:A:B:C or NAME=VALUE (repeatable, or comma-separated)', collect, []);
  bgp.addHelpText(
    'after',
    `
Examples:
  ${ctx.name} init bgp --addresses 10.20.0.0/24 --my-asn 64512 --peer-asn 64513 --peer-address 10.0.0.1
  ${ctx.name} init bgp --addresses 10.20.0.0/24 --my-asn 64512 --peer-asn 64513 --peer-address 10.0.0.1 --peer-address 10.0.1.1
  ${ctx.name} init bgp ... --node-address 10.0.0.11 --node-address 10.0.0.12   # the routers' neighbour lines in README.md
  ${ctx.name} init bgp ... --bfd --communities 64512:100,no-export=65535:65281
  ${ctx.name} init bgp ... --control-plane --dir deploy/metallb
  ${ctx.name} init bgp --interactive`,
  );
  bgp.action(async (_o: unknown, self: Command) => run(ctx, deps, 'bgp', self.opts<InitOptions>()));

  for (const sub of [l2, bgp]) init.addCommand(sub);
  return init;
}

async function run(ctx: CliContext, deps: InitDeps, mode: InitMode, opts: InitOptions): Promise<void> {
  if (opts.interactive) await askMissing(ctx, deps, mode, opts);
  const input = toInput(mode, opts);
  // a version that is not one is a bad argument (3); an unsupported one is wrong input (2, below)
  const chosen = parseVersion(input.chartVersion);
  if (!chosen) throw new UsageError(`--chart-version ${opts.chartVersion}: expected a release such as ${NEWEST_METALLB}`);

  const problems = validateInit(input);
  if (problems.length) {
    for (const p of problems) ctx.err(`${ctx.name}: init ${mode}: ${p}\n`);
    ctx.err(`${ctx.name}: init ${mode}: nothing written\n`);
    ctx.exitCode = 2;
    return;
  }
  if (isNewer(chosen, parseVersion(NEWEST_METALLB)!)) {
    ctx.warn(`--chart-version ${input.chartVersion} is newer than the newest MetalLB this tool knows (${NEWEST_METALLB}): check values.yml against that chart`);
  }

  const files = (deps.generate ?? generateInit)(input);
  checkFolder(opts.dir, files, Boolean(opts.force));

  // what we write must pass our own lint (cli.md: every written file passes lint), so it is
  // linted first, by itself (not with other files of --dir), and written only when clean
  const bad = await lintFiles(files, isNewer(chosen, [0, 15, 99]) ? 'frr-k8s' : 'frr', ctx);
  if (bad.length) {
    for (const f of bad) ctx.out(`${f.severity}: ${f.rule}: ${f.message}\n`);
    ctx.err(`${ctx.name}: init ${mode}: what init would write does not pass its own lint (a bug: please report it with the command line); nothing written\n`);
    ctx.exitCode = exitCodeFor(summarize(bad));
    return;
  }
  writeFolder(opts.dir, files);

  const shown = opts.dir;
  for (const f of files) ctx.out(`wrote ${join(shown, f.path)}\n`);
  ctx.out(`lint: no finding of warning or worse\nnext: the steps in ${join(shown, 'README.md')}, starting with \`kubectl apply -f ${join(shown, 'namespace.yaml')}\`\n`);
  ctx.exitCode = 0;
}

function isNewer(a: number[], b: number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

function toInput(mode: InitMode, opts: InitOptions): InitInput {
  if (opts.addresses.length === 0) throw new UsageError(`init ${mode} needs --addresses (or --interactive)`);
  const input: InitInput = {
    mode,
    addresses: opts.addresses,
    poolName: opts.poolName,
    chartVersion: chartVersionOf(opts.chartVersion),
    controlPlane: Boolean(opts.controlPlane),
    nodeAddresses: opts.nodeAddress,
  };
  if (mode === 'bgp') {
    const missing = [opts.myAsn === undefined && '--my-asn', opts.peerAsn === undefined && '--peer-asn', opts.peerAddress.length === 0 && '--peer-address'].filter(Boolean);
    if (missing.length) throw new UsageError(`init bgp needs ${missing.join(', ')} (or --interactive)`);
    input.bgp = {
      myASN: parseASN('--my-asn', opts.myAsn!),
      peerASN: parseASN('--peer-asn', opts.peerAsn!),
      peerAddresses: opts.peerAddress,
      bfd: Boolean(opts.bfd),
      communities: opts.communities,
    };
  }
  return input;
}

/** Existing files stop init (nothing written) unless --force. */
function checkFolder(dir: string, files: GeneratedFile[], force: boolean): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`--dir ${dir}: exists and is not a directory`);
  const existing = files.filter((f) => existsSync(join(dir, f.path))).map((f) => f.path);
  if (existing.length && !force) throw new UsageError(`${dir}: ${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing written (--force overwrites)`);
}

function writeFolder(dir: string, files: GeneratedFile[]): void {
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.path), f.text);
}

/** The findings of warning or worse of our own lint over these files alone (in a private temporary folder). */
async function lintFiles(files: GeneratedFile[], bgpBackend: 'frr' | 'frr-k8s', ctx: CliContext): Promise<Finding[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'metallb-doctor-init-'));
  try {
    writeFolder(tmp, files);
    const load = await loadInputs([tmp]);
    const state = new ClusterState([{ load, kind: 'manifests', path: tmp }]);
    const result = runRules(fileRules(), state, { bgpBackend });
    for (const e of result.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);
    return result.findings.filter((f) => f.severity !== 'info');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// --interactive

function terminalAsk(ctx: CliContext): Ask | undefined {
  const stdin = ctx.stdin as NodeJS.ReadableStream & { isTTY?: boolean };
  if (!stdin.isTTY) return undefined;
  return async (question) => {
    const rl = createInterface({ input: stdin, output: process.stderr, terminal: true });
    try {
      return await rl.question(question);
    } catch {
      return undefined;
    } finally {
      rl.close();
    }
  };
}

type Check = (answer: string) => string | undefined;

const listOf = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);

function checkEntries(answer: string): string | undefined {
  const list = listOf(answer);
  if (list.length === 0) return 'at least one range or CIDR is needed';
  for (const a of list) {
    const p = parsePoolEntry(a);
    if (!p.ok) return `${a}: ${p.error}`;
  }
  return undefined;
}

function checkIPs(optional: boolean): Check {
  return (answer) => {
    const list = listOf(answer);
    if (!optional && list.length === 0) return 'at least one address is needed';
    for (const a of list) if (!parseIP(a)) return `${a}: not an IP address`;
    return undefined;
  };
}

function checkASN(answer: string): string | undefined {
  const t = answer.trim();
  return /^\d+$/.test(t) && Number(t) <= MAX_ASN ? undefined : `expected an AS number, 0-${MAX_ASN}`;
}

const checkYesNo: Check = (a) => (/^(y|yes|n|no|)$/i.test(a.trim()) ? undefined : 'answer y or n');
const yes = (a: string) => /^y(es)?$/i.test(a.trim());

/** Asks for each value the flags left out, again after a wrong answer, until the input ends. */
async function askMissing(ctx: CliContext, deps: InitDeps, mode: InitMode, opts: InitOptions): Promise<void> {
  const ask = deps.ask ?? terminalAsk(ctx);
  if (!ask) throw new UsageError('--interactive needs a terminal on stdin (or give the values as flags)');
  const prompt = async (question: string, check: Check, def = ''): Promise<string> => {
    for (;;) {
      const raw = await ask(`${question}${def ? ` [${def}]` : ''}: `);
      if (raw === undefined) throw new UsageError(`--interactive: no answer to "${question}"`);
      const answer = raw.trim() === '' ? def : raw.trim();
      const problem = check(answer);
      if (!problem) return answer;
      ctx.err(`  ${problem}\n`);
    }
  };
  if (opts.addresses.length === 0) opts.addresses = listOf(await prompt('Addresses for LoadBalancer Services (CIDRs or start-end ranges, comma-separated)', checkEntries));
  if (mode === 'bgp') {
    if (opts.myAsn === undefined) opts.myAsn = await prompt("The cluster's AS number", checkASN, '64512');
    if (opts.peerAsn === undefined) opts.peerAsn = await prompt("The routers' AS number", checkASN, '64513');
    if (opts.peerAddress.length === 0) opts.peerAddress = listOf(await prompt("The routers' addresses (comma-separated)", checkIPs(false)));
    if (!opts.bfd) opts.bfd = yes(await prompt('BFD for fast failure detection? (y/n)', checkYesNo, 'n'));
    if (opts.communities.length === 0) opts.communities = listOf(await prompt('BGP communities on the routes (A:B, large:A:B:C or NAME=VALUE; empty for none)', () => undefined));
  }
  if (opts.nodeAddress.length === 0) opts.nodeAddress = listOf(await prompt("The nodes' addresses (comma-separated; empty to skip)", checkIPs(true)));
  if (!opts.controlPlane) opts.controlPlane = yes(await prompt('Run MetalLB on control-plane nodes only? (y/n)', checkYesNo, 'n'));
}
