// init l2 / init bgp end to end (in process): the folders match their golden files, pass our own
// lint with nothing of warning or worse, load as a snapshot with only the "nothing deployed yet"
// findings; wrong input exits 2 and bad arguments 3 with nothing written; --force; --interactive
// with a scripted prompt.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Command, CommanderError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { initCommand, type Ask, type InitDeps } from '../../src/cli/commands/init.js';
import { UsageError } from '../../src/cli/common.js';
import type { CliContext } from '../../src/cli/context.js';
import { generateInit, NEWEST_METALLB } from '../../src/model/deploy/init.js';
import { runInProcess, ROOT } from '../helpers/cli.js';

interface Run {
  code: number;
  out: string;
  err: string;
}

/** The init command under a program of its own, with runCli's exit codes (program.ts registers it for users). */
async function init(args: string[], opts: { ask?: Ask; stdin?: Readable; generate?: InitDeps['generate'] } = {}): Promise<Run> {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    name: 'metallb-doctor',
    stdin: opts.stdin ?? Readable.from([]),
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    warn: (m) => void (err += m + '\n'),
    verbose: false,
    exitCode: 0,
  };
  const program = new Command('metallb-doctor').exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  const cmd = initCommand(ctx, { ...(opts.ask ? { ask: opts.ask } : {}), ...(opts.generate ? { generate: opts.generate } : {}) });
  cmd.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  for (const sub of cmd.commands) sub.exitOverride().configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
  program.addCommand(cmd);
  try {
    await program.parseAsync(['init', ...args], { from: 'user' });
    return { code: ctx.exitCode, out, err };
  } catch (e) {
    if (e instanceof CommanderError) return { code: e.exitCode === 0 ? 0 : 3, out, err };
    if (e instanceof UsageError) return { code: 3, out, err: err + `metallb-doctor: ${e.message}\n` };
    throw e;
  }
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'mlbd-init-'));
}

const L2_ARGS = ['l2', '--addresses', '192.168.10.240-192.168.10.250,fd00:10::240/124', '--node-address', '192.168.10.11'];
const BGP_ARGS = ['bgp', '--addresses', '10.20.0.0/24', '--my-asn', '64512', '--peer-asn', '64513', '--peer-address', '10.0.0.1', '--node-address', '10.0.0.11', '--node-address', '10.0.0.12'];

const CASES: Record<string, string[]> = {
  l2: L2_ARGS,
  bgp: BGP_ARGS,
  'bgp-bfd-communities': [...BGP_ARGS, '--peer-address', '10.0.1.1', '--bfd', '--communities', '64512:100,no-export=65535:65281', '--communities', 'large:64512:1:2'],
  'l2-control-plane': [...L2_ARGS, '--control-plane'],
};

/** Writes one case into a fresh folder; returns the folder. */
async function generate(args: string[]): Promise<string> {
  const dir = join(tempDir(), 'metallb');
  const r = await init([...args, '--dir', dir]);
  assert.equal(r.err, '');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /lint: no finding of warning or worse/);
  return dir;
}

// UPDATE_GOLDEN=1 rewrites them after a deliberate change.
describe('init folders (golden)', () => {
  for (const [name, args] of Object.entries(CASES)) {
    test(name, async () => {
      const dir = await generate(args);
      const golden = join(ROOT, 'test', 'golden', 'init', name);
      const files = readdirSync(dir).sort();
      if (process.env.UPDATE_GOLDEN) {
        rmSync(golden, { recursive: true, force: true });
        mkdirSync(golden, { recursive: true });
        for (const f of files) writeFileSync(join(golden, f), readFileSync(join(dir, f)));
      }
      assert.deepEqual(files, readdirSync(golden).sort());
      for (const f of files) assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(golden, f), 'utf8'), f);
    });
  }
});

describe('what init writes', () => {
  test('every case passes lint with nothing of warning or worse', async () => {
    for (const [name, args] of Object.entries(CASES)) {
      const dir = await generate(args);
      const r = await runInProcess(['lint', dir, '-o', 'json']);
      const json = JSON.parse(r.out) as { findings: { rule: string; severity: string; message: string }[]; summary: Record<string, number> };
      assert.deepEqual(json.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}: ${f.message}`), [], name);
      assert.equal(r.code, 0, name);
    }
  });

  test('loaded as a snapshot, diag finds only that nothing is deployed yet', async () => {
    for (const name of ['l2', 'bgp-bfd-communities']) {
      const dir = await generate(CASES[name]!);
      const r = await runInProcess(['diag', '--from', dir, '-o', 'json']);
      const json = JSON.parse(r.out) as {
        findings: { rule: string; severity: string; message: string }[];
        pools: { name: string; addresses: string[]; advertisedBy: { l2: string[]; bgp: string[] } }[];
        bgpPeers: { name: string; address: string }[];
      };
      // the test Service has no address because no controller ran: that is all
      assert.deepEqual([...new Set(json.findings.map((f) => f.rule))], ['service-pending'], name);
      assert.match(json.findings[0]!.message, /default\/nginx/);
      assert.match(json.findings[0]!.message, /would give it (192\.168\.10\.240|10\.20\.0\.1) from pool "default"/);
      assert.equal(json.pools.length, 1);
      const ads = json.pools[0]!.advertisedBy;
      if (name === 'l2') assert.deepEqual(ads, { l2: ['default'], bgp: [] });
      else {
        assert.deepEqual(ads, { l2: [], bgp: ['default'] });
        assert.deepEqual(json.bgpPeers.map((p) => `${p.name} ${p.address}`), ['router-1 10.0.0.1', 'router-2 10.0.1.1']);
      }
    }
  });

  test('the YAML files parse, every resource is in metallb-system and listed in kustomization.yaml', async () => {
    const dir = await generate(CASES['bgp-bfd-communities']!);
    const kustom = parseYaml(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    assert.deepEqual(kustom.resources, ['ipaddresspool.yaml', 'bfdprofile.yaml', 'bgppeers.yaml', 'community.yaml', 'bgpadvertisement.yaml']);
    const kinds: string[] = [];
    for (const f of kustom.resources) {
      for (const doc of readFileSync(join(dir, f), 'utf8').split(/^---$/m)) {
        const o = parseYaml(doc) as { apiVersion: string; kind: string; metadata: { namespace: string } };
        assert.equal(o.metadata.namespace, 'metallb-system', f);
        kinds.push(`${o.apiVersion} ${o.kind}`);
      }
    }
    assert.deepEqual(kinds, [
      'metallb.io/v1beta1 IPAddressPool',
      'metallb.io/v1beta1 BFDProfile',
      'metallb.io/v1beta2 BGPPeer',
      'metallb.io/v1beta2 BGPPeer',
      'metallb.io/v1beta1 Community',
      'metallb.io/v1beta1 BGPAdvertisement',
    ]);
    const hw = parseYaml(readFileSync(join(dir, 'helmwave.yml'), 'utf8')) as { releases: { name: string; namespace: string; create_namespace: boolean; chart: { name: string; version: string }; values: string[] }[] };
    assert.deepEqual(hw.releases[0], { ...hw.releases[0], name: 'metallb', namespace: 'metallb-system', create_namespace: true, values: ['values.yml'] });
    assert.deepEqual(hw.releases[0]!.chart, { name: 'metallb/metallb', version: NEWEST_METALLB });
    const adv = parseYaml(readFileSync(join(dir, 'bgpadvertisement.yaml'), 'utf8')) as { spec: { communities: string[] } };
    assert.deepEqual(adv.spec.communities, ['64512:100', 'no-export', 'large:64512:1:2']);
    const tests = readFileSync(join(dir, 'tests.yaml'), 'utf8').split(/^---$/m).map((d) => parseYaml(d) as { kind: string; spec: { type?: string } });
    assert.deepEqual(tests.map((o) => o.kind), ['Deployment', 'Service']);
    assert.equal(tests[1]!.spec.type, 'LoadBalancer');
  });

  test('values.yml: --control-plane pins both components, tolerates the taint and ignores the exclude label', async () => {
    const plain = parseYaml(readFileSync(join(await generate(L2_ARGS), 'values.yml'), 'utf8')) as Record<string, Record<string, unknown>>;
    assert.equal(plain.controller!.affinity, undefined);
    assert.equal(plain.speaker!.ignoreExcludeLB, undefined);
    const cp = parseYaml(readFileSync(join(await generate(CASES['l2-control-plane']!), 'values.yml'), 'utf8')) as Record<string, Record<string, unknown>>;
    const term = { matchExpressions: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }] };
    for (const c of ['controller', 'speaker']) {
      assert.deepEqual(cp[c]!.affinity, { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } }, c);
    }
    // both names of the taint, as the chart's speaker.tolerateMaster tolerates them
    assert.deepEqual(cp.controller!.tolerations, ['master', 'control-plane'].map((role) => ({ key: `node-role.kubernetes.io/${role}`, operator: 'Exists', effect: 'NoSchedule' })));
    assert.equal(cp.speaker!.tolerateMaster, true);
    assert.equal(cp.speaker!.ignoreExcludeLB, true);
    // a comment above every value (the parts of an affinity term or a toleration are commented as a whole)
    const lines = readFileSync(join(await generate(CASES['l2-control-plane']!), 'values.yml'), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /^\s*([A-Za-z]+): \S/.exec(line);
      if (!m || ['operator', 'effect'].includes(m[1]!)) return;
      assert.match(lines[i - 1] ?? '', /^\s*#/, `no comment above "${line}"`);
    });
  });

  test('the oldest chart in the Helm repository, 0.14.2, is written for', async () => {
    const dir = await generate([...BGP_ARGS, '--chart-version', '0.14.2']);
    const hw = parseYaml(readFileSync(join(dir, 'helmwave.yml'), 'utf8')) as { releases: { chart: { version: string } }[] };
    assert.equal(hw.releases[0]!.chart.version, '0.14.2');
  });

  test("the test Service's IP families follow the pool's: IPv6 only, both, IPv4 only", async () => {
    const svcOf = (dir: string) => readFileSync(join(dir, 'tests.yaml'), 'utf8').split(/^---$/m).map((d) => parseYaml(d) as { kind: string; spec: Record<string, unknown> })[1]!.spec;
    // an IPv6-only pool: without ipFamilies the Service would be IPv4 and stay pending (generate asserts lint is clean)
    for (const args of [
      ['l2', '--addresses', 'fd00:10::/120'],
      ['bgp', '--addresses', 'fd00:20::/120', '--my-asn', '64512', '--peer-asn', '64513', '--peer-address', 'fd00::1'],
    ]) {
      const spec = svcOf(await generate(args));
      assert.equal(spec.ipFamilyPolicy, 'SingleStack', args[0]);
      assert.deepEqual(spec.ipFamilies, ['IPv6'], args[0]);
    }
    const dual = svcOf(await generate(L2_ARGS));
    assert.equal(dual.ipFamilyPolicy, 'PreferDualStack');
    assert.equal(dual.ipFamilies, undefined);
    const v4 = svcOf(await generate(BGP_ARGS));
    assert.equal(v4.ipFamilyPolicy, undefined);
    assert.equal(v4.ipFamilies, undefined);
  });

  test('the pool annotation has the prefix the chart\'s controller reads: metallb.universe.tf/ before 0.14.9', async () => {
    const annotationsOf = async (version: string) => {
      const dir = await generate(['l2', '--addresses', '192.168.10.240/28', '--chart-version', version]);
      return (readFileSync(join(dir, 'tests.yaml'), 'utf8').split(/^---$/m).map((d) => parseYaml(d) as { metadata: { annotations?: Record<string, string> } })[1]!.metadata.annotations);
    };
    // MetalLB 0.14.2 to 0.14.8 read only metallb.universe.tf/*; the lint warning about the old prefix is silenced, visibly
    for (const v of ['0.14.2', '0.14.8']) assert.deepEqual(await annotationsOf(v), { 'metallb.universe.tf/address-pool': 'default', 'metallb-doctor.io/ignore': 'service-deprecated-annotation' }, v);
    for (const v of ['0.14.9', NEWEST_METALLB]) assert.deepEqual(await annotationsOf(v), { 'metallb.io/address-pool': 'default' }, v);
  });

  test('avoidBuggyIPs only when the pool holds an address ending in .0 or .255', async () => {
    const small = readFileSync(join(await generate(L2_ARGS), 'ipaddresspool.yaml'), 'utf8');
    assert.doesNotMatch(small, /avoidBuggyIPs/);
    const big = readFileSync(join(await generate(BGP_ARGS), 'ipaddresspool.yaml'), 'utf8');
    assert.match(big, /avoidBuggyIPs: true/);
  });

  test('a 4-byte ASN is accepted and its lint warning silenced on the BGPPeer, visibly', async () => {
    const args = ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '4200000001', '--peer-asn', '64513', '--peer-address', '10.0.0.1'];
    const dir = await generate(args);
    const peer = readFileSync(join(dir, 'bgppeers.yaml'), 'utf8');
    assert.match(peer, /metallb-doctor\.io\/ignore: bgppeer-4byte-asn/);
    assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /4-byte ASN/);
    // without the annotation the warning is there: the annotation is what keeps lint clean
    writeFileSync(join(dir, 'bgppeers.yaml'), peer.replace(/ {4}metallb-doctor\.io\/ignore.*\n/, ''));
    const r = await runInProcess(['lint', dir, '-o', 'json']);
    const json = JSON.parse(r.out) as { findings: { rule: string }[] };
    assert.deepEqual(json.findings.map((f) => f.rule), ['bgppeer-4byte-asn']);
    assert.equal(r.code, 1);
  });

  test("README: the commands in order, and the routers' side for FRR, IOS and Junos", async () => {
    const readme = readFileSync(join(await generate(CASES['bgp-bfd-communities']!), 'README.md'), 'utf8');
    const order = ['kubectl apply -f namespace.yaml', 'helmwave up --build', 'helm upgrade --install metallb', 'kubectl wait', 'kubectl apply -k .', 'kubectl apply -f tests.yaml', 'kubectl get svc nginx', 'curl http://', 'kubectl delete -f tests.yaml'];
    const steps = readme.slice(readme.indexOf('## Install'));
    const at = order.map((s) => steps.indexOf(s));
    assert.ok(at.every((i) => i >= 0), JSON.stringify(order.filter((_, k) => at[k]! < 0)));
    assert.deepEqual([...at].sort((a, b) => a - b), at);
    for (const heading of ['### FRR', '### Cisco IOS style', '### Junos style']) assert.ok(readme.includes(heading), heading);
    assert.match(readme, /router bgp 64513\n neighbor 10\.0\.0\.11 remote-as 64512\n neighbor 10\.0\.0\.11 bfd\n/);
    assert.match(readme, /neighbor 10\.0\.0\.12 fall-over bfd/);
    assert.match(readme, /peer-as 64512;/);
    assert.match(readme, /route-filter 10\.20\.0\.0\/24 orlonger;/);
    assert.match(readme, /ip prefix-list METALLB-V4 seq 10 permit 10\.20\.0\.0\/24 le 32/);
  });

  test('README clean-up: BGPPeers are deleted before the BFDProfile they name (the webhook refuses the profile first)', async () => {
    const readme = readFileSync(join(await generate(CASES['bgp-bfd-communities']!), 'README.md'), 'utf8');
    const cleanup = readme.slice(readme.indexOf('## Clean up'));
    const del = /^kubectl delete (-f \S+(?: -f \S+)+)$/m.exec(cleanup);
    assert.ok(del, cleanup);
    const order = del[1]!.split(' ').filter((w) => w !== '-f');
    assert.deepEqual(order, ['bgpadvertisement.yaml', 'community.yaml', 'bgppeers.yaml', 'bfdprofile.yaml', 'ipaddresspool.yaml']);
    assert.doesNotMatch(cleanup, /^kubectl delete -k/m);
    assert.match(cleanup, /metallb-doctor uninstall/);
  });

  test("README, an IPv6 router with only IPv4 --node-address: a NODE-IPV6 neighbour to replace, said so; no IPv4 neighbour", async () => {
    const args = ['bgp', '--addresses', 'fd00:20::/120', '--my-asn', '64512', '--peer-asn', '64513', '--peer-address', 'fd00::1', '--node-address', '10.0.0.11'];
    const readme = readFileSync(join(await generate(args), 'README.md'), 'utf8');
    assert.match(readme, /No --node-address of IPv6 was given, but `fd00::1` is IPv6.*Replace `NODE-IPV6` with each node's IPv6 address/);
    assert.match(readme, / address-family ipv6 unicast\n {2}neighbor NODE-IPV6 activate\n {2}neighbor NODE-IPV6 route-map METALLB-V6-IN in\n exit-address-family/);
    assert.match(readme, / address-family ipv6 unicast\n {2}neighbor NODE-IPV6 activate\n {2}neighbor NODE-IPV6 prefix-list METALLB-V6 in\n/);
    assert.match(readme, /neighbor NODE-IPV6;/);
    // the IPv4 node address is no neighbour of an IPv6-only router
    assert.doesNotMatch(readme, /neighbor 10\.0\.0\.11/);
    // given IPv6 node addresses, they are the neighbours
    const withV6 = readFileSync(join(await generate([...args, '--node-address', 'fd00::11']), 'README.md'), 'utf8');
    assert.match(withV6, / address-family ipv6 unicast\n {2}neighbor fd00::11 activate\n/);
    assert.doesNotMatch(withV6, /NODE-IPV6|No --node-address/);
  });

  test('iBGP: the Junos group is internal, and without --node-address the neighbour is a placeholder', async () => {
    const dir = await generate(['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '64512', '--peer-asn', '64512', '--peer-address', '10.0.0.1']);
    const readme = readFileSync(join(dir, 'README.md'), 'utf8');
    assert.match(readme, /type internal;/);
    assert.doesNotMatch(readme, /peer-as/);
    assert.match(readme, /neighbor NODE-IP remote-as 64512/);
  });
});

describe('wrong input: exit 2, the reason, nothing written', () => {
  const cases: [string, string[], RegExp][] = [
    ['overlapping ranges', ['l2', '--addresses', '192.168.10.0/24,192.168.10.200-192.168.10.210'], /192\.168\.10\.200-192\.168\.10\.210 overlaps 192\.168\.10\.0\/24/],
    ['an invalid range', ['l2', '--addresses', '192.168.10.250-192.168.10.240'], /start IP "192\.168\.10\.250" is after the end IP/],
    ['a bare address', ['l2', '--addresses', '192.168.10.240'], /a single address is written 192\.168\.10\.240\/32/],
    ['a range of two families', ['l2', '--addresses', '192.168.10.1-fd00::1'], /different IP families/],
    ['a node address in the pool', ['l2', '--addresses', '192.168.10.0/28', '--node-address', '192.168.10.5'], /contains the node address 192\.168\.10\.5/],
    // speaker.frr.enabled is true from the v0.13.10 chart: native BGP is no reason for 0.13.10 to 0.13.12
    ['an unsupported chart (0.13.12, FRR by default)', ['l2', '--addresses', '192.168.10.0/28', '--chart-version', '0.13.12'], /--chart-version 0\.13\.12: init writes for MetalLB 0\.14\.2 or newer, the charts its values\.yml and checks are written against\n/],
    ['an unsupported chart (0.13.9, native BGP by default)', ['l2', '--addresses', '192.168.10.0/28', '--chart-version', '0.13.9'], /0\.14\.2 or newer, .*; charts before 0\.13\.10 also run native BGP by default \(speaker\.frr\.enabled: false\)/],
    // the chart at the v0.14.0 and v0.14.1 tags is version 0.0.0: MetalLB's Helm repository goes from 0.13.12 to 0.14.2
    ['a release MetalLB published no chart for (0.14.0)', ['l2', '--addresses', '192.168.10.0/28', '--chart-version', '0.14.0'], /--chart-version 0\.14\.0: MetalLB published no Helm chart for 0\.14\.0 .*use 0\.14\.2 or newer/],
    ['a release MetalLB published no chart for (v0.14.1)', ['l2', '--addresses', '192.168.10.0/28', '--chart-version', 'v0.14.1'], /MetalLB published no Helm chart for 0\.14\.1/],
    ['--control-plane on a chart without ignoreExcludeLB', ['l2', '--addresses', '192.168.10.0/28', '--control-plane', '--chart-version', '0.14.3'], /--control-plane needs MetalLB 0\.14\.4/],
    ['a documentation ASN', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '64500', '--peer-asn', '64513', '--peer-address', '10.0.0.1'], /--my-asn 64500: in the documentation range 64496-64511/],
    ['a 4-byte documentation ASN', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '64512', '--peer-asn', '65540', '--peer-address', '10.0.0.1'], /--peer-asn 65540: in the documentation range 65536-65551/],
    ['AS_TRANS', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '23456', '--peer-asn', '64513', '--peer-address', '10.0.0.1'], /AS_TRANS/],
    ['ASN 0', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '0', '--peer-asn', '64513', '--peer-address', '10.0.0.1'], /--my-asn 0: reserved \(RFC 7607\)/],
    ['a router address that is none', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '64512', '--peer-asn', '64513', '--peer-address', 'router.lan'], /--peer-address router\.lan: not an IP address/],
    ['a router address in the pool', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '64512', '--peer-asn', '64513', '--peer-address', '10.20.0.1'], /contains the router address 10\.20\.0\.1/],
    ['a community out of range', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '64512', '--peer-asn', '64513', '--peer-address', '10.0.0.1', '--communities', '64512:70000'], /--communities 64512:70000: invalid community value/],
    ['a community of no known shape', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '64512', '--peer-asn', '64513', '--peer-address', '10.0.0.1', '--communities', 'no-export'], /expected A:B .* or NAME=VALUE/],
  ];
  for (const [name, args, reason] of cases) {
    test(name, async () => {
      const dir = join(tempDir(), 'out');
      const r = await init([...args, '--dir', dir]);
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, reason);
      assert.match(r.err, /nothing written/);
      assert.equal(r.out, '');
      assert.equal(existsSync(dir), false);
    });
  }

  test('every problem is told, not only the first', async () => {
    const r = await init(['bgp', '--addresses', '10.0.0.0/24,10.0.0.128/25', '--my-asn', '64500', '--peer-asn', '23456', '--peer-address', '10.0.0.1', '--dir', join(tempDir(), 'x')]);
    assert.equal(r.code, 2);
    for (const reason of [/10\.0\.0\.128\/25 overlaps 10\.0\.0\.0\/24/, /--my-asn 64500/, /--peer-asn 23456/, /10\.0\.0\.0\/24 contains the router address 10\.0\.0\.1/]) assert.match(r.err, reason);
    assert.equal(r.err.trim().split('\n').length, 5, r.err); // those four, and "nothing written"
  });
});

describe('bad arguments: exit 3', () => {
  const cases: [string, string[], RegExp][] = [
    ['no --addresses', ['l2'], /needs --addresses/],
    ['bgp without its flags', ['bgp', '--addresses', '10.20.0.0/28'], /needs --my-asn, --peer-asn, --peer-address/],
    ['an ASN that is no number', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', 'sixty', '--peer-asn', '64513', '--peer-address', '10.0.0.1'], /--my-asn sixty: expected an AS number/],
    ['an ASN beyond 32 bits', ['bgp', '--addresses', '10.20.0.0/28', '--my-asn', '4294967296', '--peer-asn', '64513', '--peer-address', '10.0.0.1'], /expected an AS number/],
    ['a chart version that is none', ['l2', '--addresses', '10.20.0.0/28', '--chart-version', 'latest'], /--chart-version latest: expected a release/],
    ['an unknown flag', ['l2', '--addresses', '10.20.0.0/28', '--bfd'], /unknown option '--bfd'/],
    ['--interactive without a terminal', ['l2', '--interactive'], /--interactive needs a terminal/],
  ];
  for (const [name, args, reason] of cases) {
    test(name, async () => {
      const dir = join(tempDir(), 'out');
      const r = await init([...args, '--dir', dir]);
      assert.equal(r.code, 3, r.err);
      assert.match(r.err, reason);
      assert.equal(existsSync(dir), false);
    });
  }
});

describe('existing files', () => {
  test('refused without --force (exit 3, nothing written), overwritten with it', async () => {
    const dir = await generate(L2_ARGS);
    writeFileSync(join(dir, 'values.yml'), '# mine\n');
    rmSync(join(dir, 'tests.yaml'));
    const again = await init([...L2_ARGS, '--dir', dir]);
    assert.equal(again.code, 3);
    assert.match(again.err, /README\.md, namespace\.yaml, helmwave\.yml, values\.yml, .* already exist; nothing written \(--force overwrites\)/);
    assert.equal(readFileSync(join(dir, 'values.yml'), 'utf8'), '# mine\n');
    assert.equal(existsSync(join(dir, 'tests.yaml')), false);
    const forced = await init([...L2_ARGS, '--dir', dir, '--force']);
    assert.equal(forced.code, 0, forced.err);
    assert.match(readFileSync(join(dir, 'values.yml'), 'utf8'), /speaker:/);
    assert.ok(existsSync(join(dir, 'tests.yaml')));
  });

  test("other files in the folder are left alone, and not linted with what init writes", async () => {
    const dir = join(tempDir(), 'metallb');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    // a pool of the user's that overlaps init's: lint . would say so, but it is not init's output
    writeFileSync(join(dir, 'mine.yaml'), 'apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: mine\n  namespace: metallb-system\nspec:\n  addresses: ["192.168.10.0/24"]\n');
    const r = await init([...L2_ARGS, '--dir', dir]);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /lint: no finding of warning or worse/);
    assert.equal(readFileSync(join(dir, 'notes.txt'), 'utf8'), 'keep');
  });

  test('output that would fail our own lint is not written (a bug of init: said so, exit by the findings)', async () => {
    const dir = join(tempDir(), 'metallb');
    // a generator that forgets the advertisement: the pool is announced by nothing
    const generate: InitDeps['generate'] = (input) => generateInit(input).filter((f) => f.path !== 'l2advertisement.yaml');
    const r = await init([...L2_ARGS, '--dir', dir], { generate });
    assert.equal(r.code, 2, r.out);
    assert.match(r.out, /^critical: advertisement-missing: /m);
    assert.doesNotMatch(r.out, /^wrote /m);
    assert.match(r.err, /does not pass its own lint \(a bug: please report it.*nothing written/);
    assert.equal(existsSync(dir), false);
  });

  test('a --dir that is a file', async () => {
    const file = join(tempDir(), 'f');
    writeFileSync(file, '');
    const r = await init([...L2_ARGS, '--dir', file]);
    assert.equal(r.code, 3);
    assert.match(r.err, /exists and is not a directory/);
  });
});

describe('--interactive (a scripted prompt)', () => {
  function script(answers: (string | undefined)[]): { ask: Ask; asked: string[] } {
    const asked: string[] = [];
    return {
      asked,
      ask: async (q) => {
        asked.push(q);
        return answers.shift();
      },
    };
  }

  test('bgp: asks for each value, again after a wrong answer, and writes the same folder as the flags', async () => {
    const { ask, asked } = script(['10.20.0.0/33', '10.20.0.0/24', '', 'not-an-asn', '64513', '10.0.0.1, 10.0.1.1', 'maybe', 'y', '64512:100, no-export=65535:65281, large:64512:1:2', '10.0.0.11,10.0.0.12', 'n']);
    const dir = join(tempDir(), 'metallb');
    const r = await init(['bgp', '--interactive', '--dir', dir], { ask });
    assert.equal(r.code, 0, r.err);
    assert.equal(asked.length, 11);
    assert.match(asked[0]!, /^Addresses for LoadBalancer Services/);
    assert.match(asked[2]!, /AS number \[64512\]: $/);
    // the wrong answers were explained and asked again
    assert.match(r.err, /invalid CIDR "10\.20\.0\.0\/33"/);
    assert.match(r.err, /expected an AS number/);
    assert.match(r.err, /answer y or n/);
    const byFlags = await generate(CASES['bgp-bfd-communities']!);
    for (const f of readdirSync(byFlags)) assert.equal(readFileSync(join(dir, f), 'utf8'), readFileSync(join(byFlags, f), 'utf8'), f);
  });

  test('flags given are not asked again', async () => {
    const { ask, asked } = script(['', '']);
    const dir = join(tempDir(), 'metallb');
    const r = await init(['l2', '-i', '--addresses', '192.168.10.240/28', '--dir', dir], { ask });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(asked.map((q) => q.split(' (')[0]!.split(' [')[0]), ["The nodes' addresses", 'Run MetalLB on control-plane nodes only?']);
  });

  test('the input ending before an answer: exit 3, nothing written', async () => {
    const { ask } = script(['192.168.10.240/28']);
    const dir = join(tempDir(), 'metallb');
    const r = await init(['l2', '--interactive', '--dir', dir], { ask });
    assert.equal(r.code, 3);
    assert.match(r.err, /no answer to "The nodes' addresses/);
    assert.equal(existsSync(dir), false);
  });

  test('answers are validated as a whole too (a node address inside the pool): exit 2', async () => {
    const { ask } = script(['192.168.10.0/28', '192.168.10.3', '']);
    const dir = join(tempDir(), 'metallb');
    const r = await init(['l2', '--interactive', '--dir', dir], { ask });
    assert.equal(r.code, 2);
    assert.match(r.err, /contains the node address 192\.168\.10\.3/);
  });
});

test('--help has an example for the flags a newcomer needs', async () => {
  for (const [sub, flags] of [['l2', ['--addresses', '--dir', '--node-address', '--control-plane', '--chart-version', '--force', '--interactive']], ['bgp', ['--my-asn', '--peer-asn', '--peer-address', '--bfd', '--communities', '--node-address', '--control-plane', '--dir']]] as const) {
    const r = await init([sub, '--help']);
    assert.equal(r.code, 0);
    const examples = r.out.slice(r.out.indexOf('Examples:'));
    for (const f of flags) assert.ok(examples.includes(f), `${sub} --help: no example with ${f}`);
  }
});

test('through the whole command line: written (0), wrong input (2), existing files (3)', async () => {
  const dir = join(tempDir(), 'metallb');
  const ok = await runInProcess(['init', ...L2_ARGS, '--dir', dir]);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, new RegExp(`wrote ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/values\\.yml`));
  const again = await runInProcess(['init', ...L2_ARGS, '--dir', dir]);
  assert.equal(again.code, 3);
  assert.match(again.err, /^metallb-doctor: .*already exist; nothing written/);
  const wrong = await runInProcess(['init', 'l2', '--addresses', '10.0.0.0/24,10.0.0.5/32', '--dir', join(tempDir(), 'x')]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /^metallb-doctor: init l2: --addresses 10\.0\.0\.5\/32 overlaps 10\.0\.0\.0\/24/);
});
