// Fuzzing lint end to end, in process: random MetalLB-shaped objects with wrong types, random
// mutations of valid manifests, and arbitrary text, through stdin. lint must answer every input
// with a report (exit 0/1/2) whose findings are well formed, and never crash (exit 3 is only for
// input that cannot be read, which stdin always can).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { runCli } from '../../src/cli/program.js';
import type { CliContext } from '../../src/cli/context.js';
import { RULES } from '../../src/rules/index.js';
import type { Report } from '../../src/report/types.js';

// FUZZ_RUNS raises the count for a longer hunt on a workstation; CI runs the default
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const ids = new Set(RULES.map((r) => r.meta.id));

async function lint(text: string, format = 'json'): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    name: 'metallb-doctor',
    stdin: Readable.from([Buffer.from(text)]),
    out: (s) => void (out += s),
    err: (s) => void (err += s),
    warn: (m) => void (err += m),
    verbose: false,
    exitCode: 0,
  };
  const code = await runCli(['lint', '-', '-o', format], ctx);
  return { code, out, err };
}

function checkReport(r: { code: number; out: string; err: string }, input: string): void {
  assert.ok([0, 1, 2].includes(r.code), `exit ${r.code} for ${JSON.stringify(input).slice(0, 300)}: ${r.err}`);
  assert.equal(r.err, '', 'no rule crashed');
  const report = JSON.parse(r.out) as Report;
  for (const f of report.findings) {
    assert.ok(ids.has(f.rule), f.rule);
    assert.ok(f.message.length > 0);
    for (const o of f.objects) if (o.file) assert.ok(o.line! >= 1 && o.column! >= 1, JSON.stringify(o));
  }
  const worst = report.summary.critical + report.summary.error > 0 ? 2 : report.summary.warning > 0 ? 1 : 0;
  assert.equal(r.code, worst);
}

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('10.0.0.0/24', '10.0.0.5/24', '10.0.0.1', 'fc00::/120', '1.2.3.4-1.2.3.1', '::1-1.2.3.4', 'yes', 'on', '90s', 'x:y'),
);
const value = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 8 }), tie('v'), { maxKeys: 4 })),
})).v;
const field = fc.constantFrom('addresses', 'autoAssign', 'avoidBuggyIPs', 'serviceAllocation', 'ipAddressPools', 'nodeSelectors', 'myASN', 'peerASN', 'peerAddress', 'peerPort', 'holdTime', 'communities', 'aggregationLength', 'adresses');
const metallbObject = fc.record({
  apiVersion: fc.constantFrom('metallb.io/v1beta1', 'metallb.io/v1beta2', 'v1', 'apps/v1'),
  kind: fc.constantFrom('IPAddressPool', 'L2Advertisement', 'BGPAdvertisement', 'BGPPeer', 'BFDProfile', 'Community', 'ConfigMap', 'Service', 'DaemonSet', 'Unknown'),
  metadata: fc.oneof(
    fc.record({ name: fc.string({ maxLength: 10 }), namespace: fc.constantFrom('metallb-system', 'default', 'x') }),
    fc.record({ name: value, namespace: fc.oneof(fc.constant('metallb-system'), value), labels: value, annotations: value }, { requiredKeys: ['name'] }),
    value,
  ),
  spec: fc.oneof(fc.dictionary(field, value, { maxKeys: 5 }), value),
  data: fc.option(fc.record({ config: fc.oneof(fc.constant('address-pools:\n- name: a\n  protocol: layer2\n  addresses: [10.0.0.0/24]\n'), fc.string()) }), { nil: undefined }),
});

test(`lint answers ${RUNS} random MetalLB-shaped manifests with a well-formed report`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(metallbObject, { minLength: 1, maxLength: 4 }), fc.boolean(), async (objects, asJson) => {
      const text = asJson ? JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) : objects.map((o) => stringify(o)).join('---\n');
      checkReport(await lint(text), text);
    }),
    { numRuns: RUNS },
  );
});

const valid = `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: lan
  namespace: metallb-system
spec:
  addresses:
  - 192.168.10.0/24
  - 192.168.11.10-192.168.11.20
---
apiVersion: metallb.io/v1beta1
kind: L2Advertisement
metadata:
  name: lan
  namespace: metallb-system
`;

test(`lint answers ${RUNS} random mutations of a valid manifest`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.nat(valid.length), fc.nat(6), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 5 }), async (edits) => {
      let text = valid;
      for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
      checkReport(await lint(text), text);
    }),
    { numRuns: RUNS },
  );
});

test(`lint answers ${RUNS} arbitrary texts and byte strings, in every output format`, async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'))), fc.constantFrom('text', 'sarif', 'junit', 'yaml'), async (text, format) => {
      checkReport(await lint(text), text);
      const r = await lint(text, format);
      assert.ok([0, 1, 2].includes(r.code) && r.err === '' && r.out.length > 0);
    }),
    { numRuns: RUNS },
  );
});

// A counterexample the mutation fuzzing once found: `name: n` is the boolean false to Kubernetes,
// and MetalLB's parse (which only ever sees objects the API server took) crashed on it.
test('a pool whose name is not a string is reported by the schema, and MetalLB parses the rest', async () => {
  const text = valid.replace('name: lan\n  namespace', 'name: n\n  namespace').replace('- 192.168.10.0/24', '- (192.168.10.0/24');
  const r = await lint(text);
  checkReport(r, text);
  const rules = (JSON.parse(r.out) as Report).findings.map((f) => f.rule).sort();
  // the API server refuses the pool, so MetalLB has none (pool-missing); its bad entry is still shown
  assert.deepEqual(rules, ['object-schema-invalid', 'pool-address-invalid', 'pool-missing', 'yaml-ambiguous-value']);
});
