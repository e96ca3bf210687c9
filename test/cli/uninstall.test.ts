// `uninstall` end to end (in process): the removal plan for each way MetalLB is installed (Helm:
// the demo cluster; the release manifest, helmwave and the operator: fixtures labelled as each
// installer labels), nothing installed, gaps, and a --script that `sh -n` accepts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { manifestURL, pinCommand } from '../../src/model/deploy/uninstall.js';
import { withReplay } from '../replay/helpers.js';

const FIX = 'test/fixtures/uninstall';
const DEMO = 'examples/demo-cluster';

interface Step {
  id: string;
  title: string;
  why: string;
  removes: string[];
  commands: string[];
  notes: string[];
}
interface PlanJson {
  tool: { name: string };
  source: { kind: string; path?: string };
  metallb: { namespace: string; version?: string; installedBy?: string };
  release?: { tool: string; name?: string; namespace: string; manifest?: string };
  nothingInstalled: boolean;
  services: { namespace: string; name: string; ips: string[]; pool?: string }[];
  plan: Step[];
  gaps: { what: string; why: string }[];
}

async function plan(from: string): Promise<PlanJson> {
  const r = await runInProcess(['uninstall', '--from', from, '-o', 'json']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  return JSON.parse(r.out) as PlanJson;
}
const ids = (p: PlanJson) => p.plan.map((s) => s.id);
const step = (p: PlanJson, id: string) => p.plan.find((s) => s.id === id);
const allCommands = (p: PlanJson) => p.plan.flatMap((s) => s.commands);
/** index of the first command matching, across the whole plan */
const at = (p: PlanJson, re: RegExp) => allCommands(p).findIndex((c) => re.test(c));

function shellCheck(script: string): { code: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'uninstall-'));
  try {
    const file = join(dir, 'plan.sh');
    writeFileSync(file, script);
    const r = spawnSync('sh', ['-n', file], { encoding: 'utf8' });
    return { code: r.status, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('uninstall: a Helm install (the demo cluster)', () => {
  test('the steps in order, the release from meta.helm.sh/release-name, the CRDs left to helm uninstall', async () => {
    const p = await plan(DEMO);
    assert.equal(p.metallb.installedBy, 'helm');
    assert.deepEqual(p.release, { tool: 'helm', name: 'metallb', namespace: 'metallb-system' });
    // the demo's CRDs carry the release's annotations: helm uninstall deletes them, no step 4
    assert.deepEqual(ids(p), ['services', 'configuration', 'release', 'leftovers', 'namespace']);
    assert.deepEqual(step(p, 'release')!.commands, ['helm uninstall metallb -n metallb-system --wait']);
    assert.deepEqual(step(p, 'namespace')!.commands, ['kubectl delete namespace metallb-system --ignore-not-found --wait']);
    assert.equal(p.nothingInstalled, false);
    assert.deepEqual(p.gaps, []);
  });

  test('Services with MetalLB addresses are listed, never deleted', async () => {
    const p = await plan(DEMO);
    const names = p.services.map((s) => `${s.namespace}/${s.name}`);
    assert.ok(names.includes('shop/storefront'));
    assert.ok(names.includes('monitoring/grafana'));
    const grafana = p.services.find((s) => s.name === 'grafana')!;
    assert.deepEqual(grafana.ips, ['192.168.50.240', '2001:db8:50::240']);
    // the pending Service (edge/openvpn, pool exhausted) holds no address: not listed
    assert.ok(!names.includes('edge/openvpn'));
    for (const c of step(p, 'services')!.commands) assert.match(c, /^kubectl get services /);
    assert.ok(!allCommands(p).some((c) => /delete (service|svc)\b/.test(c)), 'no Service is deleted');
  });

  test('configuration: advertisements first, peers before BFD profiles, pools after them', async () => {
    const p = await plan(DEMO);
    const cmds = step(p, 'configuration')!.commands;
    const pos = (r: string) => cmds.findIndex((c) => c.includes(` ${r}.metallb.io `));
    for (const r of ['l2advertisements', 'bgpadvertisements', 'bgppeers', 'bfdprofiles', 'ipaddresspools']) assert.ok(pos(r) >= 0, r);
    assert.ok(pos('l2advertisements') < pos('bgppeers'));
    assert.ok(pos('bgppeers') < pos('bfdprofiles'), "the webhook refuses to delete a profile a peer names");
    assert.ok(pos('bfdprofiles') < pos('ipaddresspools'));
    // no Community in the demo: no command for it
    assert.equal(pos('communities'), -1);
    assert.ok(step(p, 'configuration')!.removes.includes('BGPPeer metallb-system/tor-rack2'));
    // configuration before the release, release before the namespace
    assert.ok(at(p, /ipaddresspools/) < at(p, /^helm uninstall/));
    assert.ok(at(p, /^helm uninstall/) < at(p, /delete namespace/));
  });

  test('the memberlist Secret the controller made is a leftover', async () => {
    const p = await plan(DEMO);
    assert.ok(step(p, 'leftovers')!.commands.includes('kubectl delete secret metallb-memberlist -n metallb-system --ignore-not-found'));
    // the webhook configuration belongs to the release
    assert.ok(!allCommands(p).some((c) => c.includes('validatingwebhookconfiguration')));
  });
});

describe('uninstall: a manifest install', () => {
  test('kubectl delete -f the manifest of the installed version and backend', async () => {
    const p = await plan(`${FIX}/manifests`);
    assert.equal(p.metallb.installedBy, 'manifests');
    assert.equal(p.release?.manifest, 'https://raw.githubusercontent.com/metallb/metallb/v0.14.8/config/manifests/metallb-native.yaml');
    assert.deepEqual(step(p, 'release')!.commands, [`kubectl delete -f ${p.release!.manifest} --ignore-not-found`]);
    assert.deepEqual(ids(p), ['services', 'configuration', 'release', 'crds', 'leftovers', 'namespace']);
  });

  test('a Service found by its address alone; a pool outside the namespace deleted by name', async () => {
    const p = await plan(`${FIX}/manifests`);
    assert.deepEqual(p.services, [{ namespace: 'shop', name: 'web', ips: ['192.168.20.241'], pool: 'lan' }]);
    const cmds = step(p, 'configuration')!.commands;
    assert.ok(cmds.includes('kubectl delete ipaddresspools.metallb.io stray -n default --ignore-not-found'));
    assert.ok(cmds.includes('kubectl delete ipaddresspools.metallb.io -n metallb-system --all'));
  });

  test('CRDs, the webhook configuration and the memberlist Secret after the release', async () => {
    const p = await plan(`${FIX}/manifests`);
    assert.deepEqual(step(p, 'crds')!.commands, ['kubectl delete crd bgppeers.metallb.io ipaddresspools.metallb.io l2advertisements.metallb.io --ignore-not-found']);
    assert.deepEqual(step(p, 'leftovers')!.commands, [
      'kubectl delete validatingwebhookconfiguration metallb-webhook-configuration --ignore-not-found',
      'kubectl delete secret memberlist -n metallb-system --ignore-not-found',
    ]);
    assert.ok(at(p, /^kubectl delete -f/) < at(p, /delete crd/));
  });

  test('the manifest URL follows the version and the BGP backend', () => {
    const gh = 'https://raw.githubusercontent.com/metallb/metallb';
    assert.equal(manifestURL('v0.15.2', 'frr'), `${gh}/v0.15.2/config/manifests/metallb-frr.yaml`);
    assert.equal(manifestURL('v0.15.2', 'frr-k8s'), `${gh}/v0.15.2/config/manifests/metallb-frr-k8s.yaml`);
    assert.equal(manifestURL('v0.13.12', 'native'), `${gh}/v0.13.12/config/manifests/metallb-native.yaml`);
    // frr-k8s manifests exist from v0.14
    assert.equal(manifestURL('v0.13.12', 'frr-k8s'), undefined);
    // before v0.13: manifests/, the FRR one from v0.12
    assert.equal(manifestURL('v0.12.1', 'frr'), `${gh}/v0.12.1/manifests/metallb-frr.yaml`);
    assert.equal(manifestURL('v0.10.3', 'native'), `${gh}/v0.10.3/manifests/metallb.yaml`);
    assert.equal(manifestURL('main', 'native'), undefined);
    assert.equal(manifestURL(undefined, 'native'), undefined);
  });
});

describe('uninstall: a helmwave install', () => {
  test('helmwave down in its folder, helm uninstall named as the alternative', async () => {
    const p = await plan(`${FIX}/helmwave`);
    assert.equal(p.metallb.installedBy, 'helm');
    assert.deepEqual(p.release, { tool: 'helmwave', name: 'metallb', namespace: 'metallb-system' });
    const release = step(p, 'release')!;
    assert.deepEqual(release.commands, ['(cd "${HELMWAVE_DIR:-./metallb}" && helmwave build && helmwave down)']);
    assert.ok(release.notes.some((n) => n.includes('helm uninstall metallb -n metallb-system --wait')));
  });

  test('only the CRD outside the release is deleted; the class of another implementation is not MetalLB\'s', async () => {
    const p = await plan(`${FIX}/helmwave`);
    assert.deepEqual(step(p, 'crds')!.commands, ['kubectl delete crd addresspools.metallb.io --ignore-not-found']);
    assert.deepEqual(p.services.map((s) => s.name), ['ingress']);
    const cmds = step(p, 'configuration')!.commands;
    const pos = (r: string) => cmds.findIndex((c) => c.includes(` ${r}.metallb.io `));
    assert.ok(pos('bgpadvertisements') < pos('communities'));
    assert.ok(pos('bgppeers') < pos('bfdprofiles'));
  });
});

describe('uninstall: an operator install', () => {
  test('the MetalLB resource, then the operator, then the CRDs and the namespace', async () => {
    const p = await plan(`${FIX}/operator`);
    assert.equal(p.metallb.installedBy, 'operator');
    assert.deepEqual(p.release, { tool: 'operator', name: 'metallb', namespace: 'metallb-system' });
    // the pool holds no Service's address: no services step
    assert.deepEqual(ids(p), ['configuration', 'release', 'crds', 'namespace']);
    const cmds = step(p, 'release')!.commands;
    assert.equal(cmds[0], 'kubectl delete metallbs.metallb.io metallb -n metallb-system --ignore-not-found');
    assert.match(cmds[1]!, /^kubectl wait --for=delete metallbs\.metallb\.io\/metallb /);
    assert.ok(cmds.some((c) => c.includes('subscriptions.operators.coreos.com')));
    assert.ok(step(p, 'release')!.notes.some((n) => /not read by this tool/.test(n)), 'OLM objects are said unseen');
    assert.deepEqual(step(p, 'crds')!.commands, ['kubectl delete crd ipaddresspools.metallb.io metallbs.metallb.io --ignore-not-found']);
    // the memberlist Secret was read and is not there: nothing to delete
    assert.equal(step(p, 'leftovers'), undefined);
  });
});

describe('uninstall: a half-removed install (no controller, the webhook configuration left)', () => {
  const HALF = `${FIX}/half-removed`;
  test('the webhook configuration goes before the BFDProfile it would refuse to delete, and only once', async () => {
    const p = await plan(HALF);
    assert.deepEqual(ids(p), ['configuration', 'crds', 'namespace']);
    const webhook = at(p, /delete validatingwebhookconfiguration metallb-webhook-configuration/);
    assert.equal(webhook, 0);
    assert.ok(webhook < at(p, /delete bfdprofiles\.metallb\.io/));
    assert.ok(at(p, /delete bgppeers\.metallb\.io/) < at(p, /delete bfdprofiles\.metallb\.io/));
    assert.equal(allCommands(p).filter((c) => /validatingwebhookconfiguration/.test(c)).length, 1);
    assert.match(step(p, 'configuration')!.why, /No controller runs to answer MetalLB's webhook.*failurePolicy Fail.*BFDProfile webhook covers DELETE/);
    assert.equal(step(p, 'configuration')!.removes[0], 'ValidatingWebhookConfiguration metallb-webhook-configuration');
  });

  test('with a controller running (the demo), the webhook configuration stays for the end', async () => {
    const p = await plan(DEMO);
    assert.ok(!step(p, 'configuration')!.commands.some((c) => /validatingwebhookconfiguration/.test(c)));
    assert.match(step(p, 'configuration')!.why, /while the controller still runs/);
  });
});

describe('uninstall: nothing installed, and gaps', () => {
  test('nothing of MetalLB: an empty plan, exit 0', async () => {
    const p = await plan(`${FIX}/nothing`);
    assert.equal(p.nothingInstalled, true);
    assert.deepEqual(p.plan, []);
    // the pending LoadBalancer Service is nobody's business here
    assert.deepEqual(p.services, []);
    const text = await runInProcess(['uninstall', '--from', `${FIX}/nothing`]);
    assert.equal(text.code, 0);
    assert.match(text.out, /Nothing of MetalLB found/);
  });

  test('what the input did not show is said, and the commands do not assume it absent', async () => {
    // one file of configuration: no workloads, CRDs, webhook configurations or namespaces in it
    const p = await plan(`${FIX}/manifests/resources/config.yaml`);
    assert.equal(p.nothingInstalled, false);
    const gaps = p.gaps.map((g) => g.what);
    for (const k of ['Deployment', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'Namespace', 'Service']) assert.ok(gaps.includes(`list ${k}`), k);
    assert.ok(step(p, 'release')!.notes.some((n) => n.includes('how MetalLB was installed is unknown')));
    assert.match(step(p, 'crds')!.commands[0]!, /kubectl get crd -o name \| grep/);
    assert.ok(step(p, 'leftovers')!.commands.includes('kubectl delete validatingwebhookconfiguration metallb-webhook-configuration --ignore-not-found'));
    assert.deepEqual(step(p, 'services')!.commands, ['kubectl get services --all-namespaces -o wide']);
  });

  test('input that cannot be read: exit 3', async () => {
    const r = await runInProcess(['uninstall', '--from', `${FIX}/no-such-bundle`]);
    assert.equal(r.code, 3);
    assert.equal(r.out, '');
  });
});

describe('uninstall --script', () => {
  for (const from of [DEMO, `${FIX}/manifests`, `${FIX}/helmwave`, `${FIX}/operator`, `${FIX}/nothing`, `${FIX}/manifests/resources/config.yaml`]) {
    test(`sh -n accepts the script for ${from}`, async () => {
      const r = await runInProcess(['uninstall', '--from', from, '--script']);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^#!\/bin\/sh\n/);
      assert.match(r.out, /^set -eu$/m);
      const check = shellCheck(r.out);
      assert.equal(check.code, 0, check.stderr);
    });
  }

  test('the script holds every command of the plan, in order, each step commented', async () => {
    const p = await plan(`${FIX}/manifests`);
    const r = await runInProcess(['uninstall', '--from', `${FIX}/manifests`, '--script']);
    const lines = r.out.split('\n');
    const commandLines = lines.filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('echo ') && l !== 'set -eu');
    assert.deepEqual(commandLines, allCommands(p));
    for (const [i, s] of p.plan.entries()) assert.ok(lines.includes(`# Step ${i + 1}: ${s.title}`), s.title);
  });

  test('a script that does not parse is caught by the check', () => {
    assert.notEqual(shellCheck('#!/bin/sh\nset -eu\nfor x in a; do echo\n').code, 0);
  });
});

describe('uninstall read live: the commands name the context they were read from', () => {
  test('pinCommand: every kubectl and helm, at the start, in $(...), after ; do, &&; helmwave and words inside left alone', () => {
    const t = { context: 'prod', kubeconfig: '/home/me/kube config' };
    assert.equal(pinCommand('kubectl delete ns metallb-system', t), "kubectl --context prod --kubeconfig '/home/me/kube config' delete ns metallb-system");
    assert.equal(
      pinCommand(`for crd in $(kubectl get crd -o name | grep x); do kubectl delete "$crd"; done`, { context: "o'brien" }),
      `for crd in $(kubectl --context 'o'\\''brien' get crd -o name | grep x); do kubectl --context 'o'\\''brien' delete "$crd"; done`,
    );
    assert.equal(pinCommand('helm uninstall metallb -n metallb-system --wait', { context: 'prod' }), 'helm --kube-context prod uninstall metallb -n metallb-system --wait');
    assert.equal(pinCommand('(cd "${HELMWAVE_DIR:-./metallb}" && helmwave build && helmwave down)', { context: 'prod' }), '(cd "${HELMWAVE_DIR:-./metallb}" && helmwave build && helmwave down)');
    assert.equal(pinCommand('kubectl get deployments -l app.kubernetes.io/managed-by=helm', { context: 'c' }), 'kubectl --context c get deployments -l app.kubernetes.io/managed-by=helm');
  });

  test('through the API (replay): every kubectl and helm of the plan and the script carries --context and --kubeconfig; --from carries neither', async () => {
    await withReplay(DEMO, async (r) => {
      const kc = r.env.KUBECONFIG!;
      const live = await runInProcess(['uninstall', '--kubeconfig', kc, '-o', 'json']);
      assert.equal(live.code, 0, live.err);
      const p = JSON.parse(live.out) as PlanJson & { target?: { context: string; kubeconfig?: string } };
      assert.deepEqual(p.target, { context: 'replay', kubeconfig: kc });
      const commands = allCommands(p);
      assert.ok(commands.some((c) => /\bhelm /.test(c)) && commands.some((c) => /\bkubectl /.test(c)), 'the demo is a Helm install: both kinds of command');
      for (const c of commands) {
        for (const m of c.matchAll(/\b(kubectl|helm) (\S+) (\S+)/g)) {
          assert.deepEqual([m[2], m[3]], [m[1] === 'helm' ? '--kube-context' : '--context', 'replay'], c);
        }
        if (/\b(kubectl|helm) /.test(c)) assert.ok(c.includes(`--kubeconfig ${kc}`), c);
      }
      const script = await runInProcess(['uninstall', '--kubeconfig', kc, '--script']);
      assert.match(script.out, /^# Every kubectl and helm names context replay/m);
      assert.equal(shellCheck(script.out).code, 0);
      const text = await runInProcess(['uninstall', '--kubeconfig', kc]);
      assert.match(text.out, /The commands name context replay of /);
    });
    const offline = await plan(DEMO);
    assert.equal((offline as { target?: unknown }).target, undefined);
    for (const c of allCommands(offline)) assert.doesNotMatch(c, /--context|--kube-context/, c);
  });
});
