import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateObject, parseGoDuration, formatGoDuration, suggestField } from '../../src/model/schema/index.js';
import type { KubeObject } from '../../src/sources/types.js';
import { isModelledKind, METALLB_CONFIG_KINDS, MODELLED_KINDS, preferredApiVersion } from '../../src/model/kinds.js';
import { schemaFor } from '../../src/model/schema/index.js';

const V1 = 'metallb.io/v1beta1';
const V2 = 'metallb.io/v1beta2';
const mk = (apiVersion: string, kind: string, spec: unknown, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'x', namespace: 'metallb-system' },
  spec,
  ...extra,
});
const msgs = (o: KubeObject) => validateObject(o).map((v) => v.message);
const one = (o: KubeObject) => {
  const v = validateObject(o);
  assert.equal(v.length, 1, JSON.stringify(v));
  return v[0]!;
};

const goodPool = () => ({ addresses: ['10.0.0.0/24'] });
const goodPeer = () => ({ myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1' });

describe('valid objects have no violations', () => {
  const cases: KubeObject[] = [
    mk(V1, 'IPAddressPool', {
      addresses: ['10.0.0.0/24', '10.1.0.1-10.1.0.9'],
      autoAssign: false,
      avoidBuggyIPs: true,
      serviceAllocation: { priority: 5, namespaces: ['a'], namespaceSelectors: [{ matchLabels: { a: 'b' } }], serviceSelectors: [{ matchExpressions: [{ key: 'k', operator: 'Exists' }] }] },
    }),
    mk(V1, 'L2Advertisement', { ipAddressPools: ['p'], interfaces: ['eth0'], preferredNodeSelectors: [{ weight: 100, preference: {} }] }),
    mk(V1, 'BGPAdvertisement', { aggregationLength: 32, aggregationLengthV6: 128, localPref: 100, communities: ['65535:65281'], serviceSelectors: [{}] }),
    mk(V2, 'BGPPeer', { ...goodPeer(), peerPort: 179, holdTime: '90s', keepaliveTime: '1m30s', connectTime: '5s', dynamicASN: undefined, passwordSecret: { name: 's' } }),
    mk(V1, 'BGPPeer', { ...goodPeer(), peerPort: 0, nodeSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['a'] }] }] }),
    mk(V1, 'BFDProfile', { receiveInterval: 10, transmitInterval: 60000, detectMultiplier: 2, echoInterval: 50, echoMode: true, passiveMode: false, minimumTtl: 254 }),
    mk(V1, 'Community', { communities: [{ name: 'no-export', value: '65535:65281' }] }),
    { apiVersion: V1, kind: 'ConfigurationState', metadata: { name: 'controller' }, status: { result: 'Valid', conditions: [{ type: 'poolReconcilerValid', status: 'True', reason: 'Reconciled', message: '', lastTransitionTime: '2024-01-01T00:00:00Z' }] } },
  ];
  for (const c of cases) test(`${c.kind} ${c.apiVersion}`, () => assert.deepEqual(validateObject(c), []));
});

describe('wrong types', () => {
  // [kind, apiVersion, field, wrong value, expected type] for every spec field of three kinds
  const table: [string, string, string, unknown, string][] = [
    ['IPAddressPool', V1, 'addresses', '10.0.0.0/24', 'array'],
    ['IPAddressPool', V1, 'autoAssign', 'string', 'boolean'],
    ['IPAddressPool', V1, 'avoidBuggyIPs', 1, 'boolean'],
    ['IPAddressPool', V1, 'serviceAllocation', [], 'object'],
    ['BGPPeer', V2, 'myASN', '64500', 'integer'],
    ['BGPPeer', V2, 'peerASN', 1.5, 'integer'],
    ['BGPPeer', V2, 'localASN', true, 'integer'],
    ['BGPPeer', V2, 'dynamicASN', 1, 'string'],
    ['BGPPeer', V2, 'peerAddress', 10, 'string'],
    ['BGPPeer', V2, 'interface', {}, 'string'],
    ['BGPPeer', V2, 'sourceAddress', [], 'string'],
    ['BGPPeer', V2, 'peerPort', '179', 'integer'],
    ['BGPPeer', V2, 'holdTime', 90, 'string'],
    ['BGPPeer', V2, 'keepaliveTime', 30, 'string'],
    ['BGPPeer', V2, 'connectTime', 5, 'string'],
    ['BGPPeer', V2, 'routerID', 1, 'string'],
    ['BGPPeer', V2, 'nodeSelectors', {}, 'array'],
    ['BGPPeer', V2, 'password', 1234, 'string'],
    ['BGPPeer', V2, 'passwordSecret', 'secret', 'object'],
    ['BGPPeer', V2, 'bfdProfile', false, 'string'],
    ['BGPPeer', V2, 'enableGracefulRestart', 'true', 'boolean'],
    ['BGPPeer', V2, 'ebgpMultiHop', 'yes', 'boolean'],
    ['BGPPeer', V2, 'vrf', 0, 'string'],
    ['BGPPeer', V2, 'disableMP', 0, 'boolean'],
    ['BGPPeer', V2, 'dualStackAddressFamily', 'false', 'boolean'],
    ['BFDProfile', V1, 'receiveInterval', '300', 'integer'],
    ['BFDProfile', V1, 'transmitInterval', 300.5, 'integer'],
    ['BFDProfile', V1, 'detectMultiplier', [3], 'integer'],
    ['BFDProfile', V1, 'echoInterval', {}, 'integer'],
    ['BFDProfile', V1, 'echoMode', 'true', 'boolean'],
    ['BFDProfile', V1, 'passiveMode', 1, 'boolean'],
    ['BFDProfile', V1, 'minimumTtl', '1', 'integer'],
  ];
  const base = (kind: string) => (kind === 'IPAddressPool' ? goodPool() : kind === 'BGPPeer' ? goodPeer() : {});
  for (const [kind, av, field, wrong, want] of table) {
    test(`${kind}.spec.${field} = ${JSON.stringify(wrong)}`, () => {
      const v = one(mk(av, kind, { ...base(kind), [field]: wrong }));
      assert.deepEqual(v.path, ['spec', field]);
      const shown = Array.isArray(wrong) ? 'array' : typeof wrong === 'object' ? 'object' : typeof wrong === 'number' ? (Number.isInteger(wrong) ? 'integer' : 'number') : typeof wrong;
      assert.equal(v.message, `spec.${field}: Invalid value: "${shown}": spec.${field} in body must be of type ${want}`);
    });
  }
  test('the example of the brief', () => {
    assert.deepEqual(msgs(mk(V1, 'IPAddressPool', { ...goodPool(), autoAssign: 'string' })), [
      'spec.autoAssign: Invalid value: "string": spec.autoAssign in body must be of type boolean',
    ]);
  });
  test('array items and nested selector fields', () => {
    const v = validateObject(mk(V1, 'IPAddressPool', { addresses: ['10.0.0.0/24', 5], serviceAllocation: { namespaceSelectors: [{ matchLabels: { a: 1 } }] } }));
    assert.deepEqual(
      v.map((x) => x.path),
      [
        ['spec', 'addresses', 1],
        ['spec', 'serviceAllocation', 'namespaceSelectors', 0, 'matchLabels', 'a'],
      ],
    );
    assert.equal(v[1]!.message, 'spec.serviceAllocation.namespaceSelectors[0].matchLabels.a: Invalid value: "integer": spec.serviceAllocation.namespaceSelectors[0].matchLabels.a in body must be of type string');
  });
  test('spec itself of the wrong type', () => {
    const v = one(mk(V1, 'L2Advertisement', ['a']));
    assert.deepEqual(v.path, ['spec']);
    assert.match(v.message, /must be of type object$/);
  });
});

describe('ranges at the boundaries', () => {
  const cases: [string, string, string, number, number, Record<string, unknown>][] = [
    // kind, apiVersion, field, lowest valid, highest valid, base spec
    ['BGPPeer', V2, 'peerPort', 1, 16384, goodPeer()],
    ['BGPPeer', V1, 'peerPort', 0, 16384, goodPeer()],
    ['BGPPeer', V2, 'myASN', 0, 4294967295, goodPeer()],
    ['BGPPeer', V2, 'peerASN', 0, 4294967295, goodPeer()],
    ['BGPPeer', V2, 'localASN', 1, 4294967295, goodPeer()],
    ['BFDProfile', V1, 'receiveInterval', 10, 60000, {}],
    ['BFDProfile', V1, 'transmitInterval', 10, 60000, {}],
    ['BFDProfile', V1, 'echoInterval', 10, 60000, {}],
    ['BFDProfile', V1, 'detectMultiplier', 2, 255, {}],
    ['BFDProfile', V1, 'minimumTtl', 1, 254, {}],
  ];
  for (const [kind, av, field, lo, hi, base] of cases) {
    test(`${kind} ${av} ${field} in ${lo}..${hi}`, () => {
      assert.deepEqual(validateObject(mk(av, kind, { ...base, [field]: lo })), []);
      assert.deepEqual(validateObject(mk(av, kind, { ...base, [field]: hi })), []);
      assert.equal(one(mk(av, kind, { ...base, [field]: lo - 1 })).message, `spec.${field}: Invalid value: ${lo - 1}: spec.${field} in body should be greater than or equal to ${lo}`);
      assert.equal(one(mk(av, kind, { ...base, [field]: hi + 1 })).message, `spec.${field}: Invalid value: ${hi + 1}: spec.${field} in body should be less than or equal to ${hi}`);
    });
  }
  test('the peerPort example of the brief', () => {
    const v = one(mk(V2, 'BGPPeer', { ...goodPeer(), peerPort: 20000 }));
    assert.equal(v.message, 'spec.peerPort: Invalid value: 20000: spec.peerPort in body should be less than or equal to 16384');
    assert.deepEqual(v.path, ['spec', 'peerPort']);
  });
  test('aggregationLength min 1, aggregationLengthV6 has no minimum', () => {
    assert.match(one(mk(V1, 'BGPAdvertisement', { aggregationLength: 0 })).message, /greater than or equal to 1$/);
    assert.deepEqual(validateObject(mk(V1, 'BGPAdvertisement', { aggregationLength: 1, aggregationLengthV6: 0 })), []);
  });
  test('preferredNodeSelectors weight 1..100 and required fields', () => {
    assert.deepEqual(validateObject(mk(V1, 'L2Advertisement', { preferredNodeSelectors: [{ weight: 1, preference: {} }] })), []);
    assert.match(one(mk(V1, 'L2Advertisement', { preferredNodeSelectors: [{ weight: 101, preference: {} }] })).message, /less than or equal to 100$/);
    assert.match(one(mk(V1, 'L2Advertisement', { preferredNodeSelectors: [{ weight: 0, preference: {} }] })).message, /greater than or equal to 1$/);
    const v = one(mk(V1, 'L2Advertisement', { preferredNodeSelectors: [{ weight: 5 }] }));
    assert.equal(v.message, 'spec.preferredNodeSelectors[0].preference: Required value');
    assert.deepEqual(v.path, ['spec', 'preferredNodeSelectors', 0]);
  });
  test('dynamicASN enum', () => {
    assert.deepEqual(validateObject(mk(V2, 'BGPPeer', { myASN: 1, dynamicASN: 'external', peerAddress: '1.1.1.1' })), []);
    assert.equal(one(mk(V2, 'BGPPeer', { myASN: 1, dynamicASN: 'ebgp' })).message, 'spec.dynamicASN: Unsupported value: "ebgp": supported values: "internal", "external"');
  });
  test('Go type overflow on fields without schema bounds is a decode failure', () => {
    const v = one(mk(V1, 'BGPAdvertisement', { aggregationLengthV6: 2 ** 31 }));
    assert.equal(v.origin, 'decode');
    assert.deepEqual(v.path, ['spec', 'aggregationLengthV6']);
    assert.equal(one(mk(V1, 'BGPAdvertisement', { localPref: -1 })).origin, 'decode');
  });
});

describe('connectTime CEL rules and durations', () => {
  const ct = (connectTime: string) => msgs(mk(V2, 'BGPPeer', { ...goodPeer(), connectTime }));
  test('1s..65535s whole seconds pass', () => {
    for (const d of ['1s', '65535s', '1m', '18h12m15s', '1s500us']) assert.deepEqual(ct(d), [], d);
  });
  test('out of range', () => {
    for (const d of ['0s', '500ms', '65536s', '19h']) assert.deepEqual(ct(d), ['spec.connectTime: Invalid value: "string": connect time should be between 1 seconds to 65535'].concat(d === '500ms' ? ['spec.connectTime: Invalid value: "string": connect time should contain a whole number of seconds'] : []), d);
  });
  test('fractional seconds', () => {
    assert.deepEqual(ct('1500ms'), ['spec.connectTime: Invalid value: "string": connect time should contain a whole number of seconds']);
  });
  test('unparsable durations: decode failures for the timers, refused by the API server for connectTime (its CEL rules parse it)', () => {
    for (const f of ['holdTime', 'keepaliveTime', 'connectTime']) {
      const v = one(mk(V2, 'BGPPeer', { ...goodPeer(), [f]: '90' }));
      assert.equal(v.message, `spec.${f}: Invalid value: "90": time: missing unit in duration "90"`);
      assert.equal(v.origin, f === 'connectTime' ? 'api-server' : 'decode');
    }
  });
  test('Go ParseDuration table', () => {
    const ok: [string, bigint][] = [
      ['0', 0n],
      ['90s', 90_000_000_000n],
      ['1m30s', 90_000_000_000n],
      ['1h', 3_600_000_000_000n],
      ['1.5h', 5_400_000_000_000n],
      ['-2ms', -2_000_000n],
      ['+5us', 5_000n],
      ['3\u00b5s', 3_000n],
      ['3\u03bcs', 3_000n],
      ['.5s', 500_000_000n],
      ['1.s', 1_000_000_000n],
      ['1h2m3s4ms5us6ns', 3_723_004_005_006n],
      ['9223372036854775807ns', 9223372036854775807n],
    ];
    for (const [s, ns] of ok) assert.deepEqual(parseGoDuration(s), { ok: true, ns }, s);
    const bad: [string, string][] = [
      ['', 'time: invalid duration ""'],
      ['s', 'time: invalid duration "s"'],
      ['.s', 'time: invalid duration ".s"'],
      ['1', 'time: missing unit in duration "1"'],
      ['1d', 'time: unknown unit "d" in duration "1d"'],
      ['1 s', 'time: unknown unit " s" in duration "1 s"'],
      ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
      ['-', 'time: invalid duration "-"'],
    ];
    for (const [s, e] of bad) assert.deepEqual(parseGoDuration(s), { ok: false, error: e }, s);
  });
  test('Go Duration.String table', () => {
    const t: [bigint, string][] = [
      [0n, '0s'],
      [1n, '1ns'],
      [1_500n, '1.5\u00b5s'],
      [1_500_000n, '1.5ms'],
      [90_000_000_000n, '1m30s'],
      [120_000_000_000n, '2m0s'],
      [3_600_000_000_000n, '1h0m0s'],
      [3_723_500_000_000n, '1h2m3.5s'],
      [-90_000_000_000n, '-1m30s'],
    ];
    for (const [ns, s] of t) assert.equal(formatGoDuration(ns), s);
  });
  test('format then parse is the identity (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }), (ns) => {
        const r = parseGoDuration(formatGoDuration(ns));
        assert.ok(r.ok);
        assert.equal(r.ns, ns);
      }),
      { numRuns: 300 },
    );
  });
});

describe('required fields', () => {
  test('IPAddressPool spec.addresses', () => {
    const v = one(mk(V1, 'IPAddressPool', {}));
    assert.equal(v.message, 'spec.addresses: Required value');
    assert.deepEqual(v.path, ['spec']);
  });
  test('IPAddressPool spec itself', () => {
    const o = mk(V1, 'IPAddressPool', undefined);
    delete o.spec;
    assert.deepEqual(validateObject(o).map((v) => [v.path, v.message]), [[[], 'spec: Required value']]);
  });
  test('null counts as absent', () => {
    assert.deepEqual(msgs(mk(V1, 'IPAddressPool', { addresses: null })), ['spec.addresses: Required value']);
    assert.deepEqual(validateObject(mk(V1, 'IPAddressPool', { ...goodPool(), autoAssign: null })), []);
  });
  test('BGPPeer v1beta2 needs only myASN', () => {
    assert.deepEqual(msgs(mk(V2, 'BGPPeer', { peerASN: 1 })), ['spec.myASN: Required value']);
    assert.deepEqual(validateObject(mk(V2, 'BGPPeer', { myASN: 0 })), []);
  });
  test('BGPPeer v1beta1 needs myASN, peerASN, peerAddress; values minItems 1', () => {
    assert.deepEqual(msgs(mk(V1, 'BGPPeer', {})), ['spec.myASN: Required value', 'spec.peerASN: Required value', 'spec.peerAddress: Required value']);
    const v = validateObject(mk(V1, 'BGPPeer', { ...goodPeer(), nodeSelectors: [{ matchExpressions: [{ key: 'k', operator: 'Exists' }, { key: 'k', operator: 'In', values: [] }] }] }));
    assert.deepEqual(
      v.map((x) => x.message),
      [
        'spec.nodeSelectors[0].matchExpressions[0].values: Required value',
        'spec.nodeSelectors[0].matchExpressions[1].values: Invalid value: 0: spec.nodeSelectors[0].matchExpressions[1].values in body should have at least 1 items',
      ],
    );
  });
  test('label selector requirement key and operator', () => {
    const v = validateObject(mk(V1, 'L2Advertisement', { nodeSelectors: [{ matchExpressions: [{ values: ['a'] }] }] }));
    assert.deepEqual(
      v.map((x) => x.message),
      ['spec.nodeSelectors[0].matchExpressions[0].key: Required value', 'spec.nodeSelectors[0].matchExpressions[0].operator: Required value'],
    );
  });
});

describe('unknown fields', () => {
  test('typo with suggestion', () => {
    const v = validateObject(mk(V1, 'IPAddressPool', { adresses: ['10.0.0.0/24'] }));
    assert.deepEqual(
      v.map((x) => [x.path, x.message]),
      [
        [['spec'], 'spec.addresses: Required value'],
        [['spec', 'adresses'], 'unknown field "spec.adresses" (did you mean "addresses"?)'],
      ],
    );
  });
  test('case slip and nested typos', () => {
    assert.deepEqual(msgs(mk(V2, 'BGPPeer', { ...goodPeer(), peerasn: 1 })), ['unknown field "spec.peerasn" (did you mean "peerASN"?)']);
    assert.deepEqual(msgs(mk(V1, 'L2Advertisement', { nodeSelectors: [{ matchLabel: { a: 'b' } }] })), [
      'unknown field "spec.nodeSelectors[0].matchLabel" (did you mean "matchLabels"?)',
    ]);
    assert.deepEqual(msgs(mk(V1, 'BGPAdvertisement', {}, { specs: {} })), ['unknown field "specs" (did you mean "spec"?)']);
  });
  test('no suggestion when nothing is close', () => {
    assert.deepEqual(msgs(mk(V1, 'BFDProfile', { frobnicate: 1 })), ['unknown field "spec.frobnicate"']);
  });
  test('v1beta2-only fields are unknown in v1beta1', () => {
    assert.deepEqual(msgs(mk(V1, 'BGPPeer', { ...goodPeer(), vrf: 'red' })), ['unknown field "spec.vrf"']);
  });
  test('suggestField', () => {
    assert.equal(suggestField('autoassign', ['autoAssign', 'addresses']), 'autoAssign');
    assert.equal(suggestField('adress', ['addresses', 'peerAddress']), undefined);
    assert.equal(suggestField('peerAdress', ['peerAddress', 'peerASN']), 'peerAddress');
  });
});

describe('BGPAdvertisement CEL: serviceSelectors vs aggregationLength', () => {
  const msg = 'spec: Invalid value: "object": serviceSelectors and aggregationLength are mutually exclusive, can only be used together with default aggregationLength (32) and aggregationLengthV6 (128)';
  test('fires', () => {
    for (const spec of [{ aggregationLength: 24 }, { aggregationLengthV6: 64 }, { aggregationLength: 24, aggregationLengthV6: 64 }]) {
      const v = one(mk(V1, 'BGPAdvertisement', { ...spec, serviceSelectors: [{ matchLabels: { a: 'b' } }] }));
      assert.equal(v.message, msg);
      assert.deepEqual(v.path, ['spec']);
    }
  });
  test('does not fire', () => {
    for (const spec of [
      { aggregationLength: 32, aggregationLengthV6: 128, serviceSelectors: [{}] },
      { serviceSelectors: [{}] },
      { aggregationLength: 24, serviceSelectors: [] },
      { aggregationLength: 24 },
    ]) {
      assert.deepEqual(validateObject(mk(V1, 'BGPAdvertisement', spec)), []);
    }
  });
});

describe('metadata and selector operators', () => {
  test('metadata name and labels', () => {
    const o = mk(V1, 'Community', {});
    o.metadata = { name: 'Bad_Name', labels: { ok: 'yes', 'bad key': 'v', k: 'bad value!' } };
    const v = validateObject(o);
    assert.deepEqual(
      v.map((x) => x.path),
      [['metadata', 'name'], ['metadata', 'labels', 'bad key'], ['metadata', 'labels', 'k']],
    );
  });
  test("a bad operator in a MetalLB object is the configuration rules' (MetalLB's webhook refuses it), not the schema's", () => {
    assert.deepEqual(validateObject(mk(V1, 'L2Advertisement', { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }] })), []);
  });
});

describe('core kinds are lenient', () => {
  test('unknown fields allowed, modelled fields typed', () => {
    const svc: KubeObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 'http' }], whatever: { deep: 1 } },
      status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
    };
    assert.deepEqual(validateObject(svc), []);
    const bad = { ...svc, spec: { type: 'Loadbalancer', ports: [{ port: 70000, targetPort: true }] } };
    assert.deepEqual(msgs(bad), [
      'spec.type: Unsupported value: "Loadbalancer": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
      'spec.ports[0].port: Invalid value: 70000: spec.ports[0].port in body should be less than or equal to 65535',
      'spec.ports[0].targetPort: Invalid value: "boolean": spec.ports[0].targetPort in body must be of type integer or string',
    ]);
  });
  test('pod specs are not second-guessed', () => {
    const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', resources: { limits: { cpu: 1 } }, securityContext: 5 }], volumes: 'x' } };
    assert.deepEqual(validateObject(pod), []);
  });
  test('unmodelled kinds give nothing', () => {
    assert.deepEqual(validateObject({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: {}, spec: 5 }), []);
    assert.deepEqual(validateObject({ apiVersion: 'metallb.io/v1alpha1', kind: 'AddressPool', metadata: {}, spec: 5 }), []);
  });
});

describe('validateObject never throws', () => {
  const kinds: [string, string][] = [
    [V1, 'IPAddressPool'],
    [V1, 'L2Advertisement'],
    [V1, 'BGPAdvertisement'],
    [V1, 'BGPPeer'],
    [V2, 'BGPPeer'],
    [V1, 'BFDProfile'],
    [V1, 'Community'],
    [V1, 'ServiceL2Status'],
    [V1, 'ServiceBGPStatus'],
    [V1, 'ConfigurationState'],
    ['v1', 'Service'],
    ['apps/v1', 'DaemonSet'],
  ];
  test('random JSON values in every position of every MetalLB kind (100 runs per kind)', () => {
    for (const [apiVersion, kind] of kinds) {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 4 }), fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 2 }), (spec, metadata, status) => {
          const o = { apiVersion, kind, metadata, spec, status } as unknown as KubeObject;
          const v = validateObject(o);
          assert.ok(Array.isArray(v));
          for (const x of v) assert.equal(typeof x.message, 'string');
        }),
        { numRuns: 100 },
      );
    }
  });
  test('random values shaped like a BGPPeer spec (300 runs)', () => {
    const fields = ['myASN', 'peerASN', 'peerPort', 'holdTime', 'connectTime', 'nodeSelectors', 'passwordSecret', 'dynamicASN'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields), fc.anything()), (spec) => {
        const v = validateObject(mk(V2, 'BGPPeer', spec));
        for (const x of v) assert.ok(x.path[0] === 'spec', JSON.stringify(x));
      }),
      { numRuns: 300 },
    );
  });
  test('exotic inputs', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 10000; i++) deep = { nested: deep, list: [deep] };
    let deepArr: unknown = [];
    for (let i = 0; i < 10000; i++) deepArr = [deepArr];
    const inputs: unknown[] = [
      null,
      undefined,
      5,
      'str',
      [],
      { apiVersion: V1, kind: 'IPAddressPool' },
      { apiVersion: V1, kind: 'IPAddressPool', metadata: null, spec: null },
      { apiVersion: V1, kind: 'IPAddressPool', metadata: [], spec: deep },
      mk(V1, 'IPAddressPool', { addresses: deepArr, serviceAllocation: deep }),
      mk(V2, 'BGPPeer', { myASN: 1e308, peerASN: Infinity, localASN: NaN, peerPort: 2n ** 80n, holdTime: 'x'.repeat(100000) }),
      mk(V1, 'Community', { communities: new Array(20000).fill(5) }),
      mk(V1, 'BFDProfile', JSON.parse('{"__proto__": {"x": 1}, "constructor": 1, "toString": 2}')),
    ];
    for (const i of inputs) {
      const v = validateObject(i as KubeObject);
      assert.ok(Array.isArray(v));
    }
    // violations are capped, the long array does not produce 20000 messages
    assert.ok(validateObject(inputs[10] as KubeObject).length <= 500);
    assert.deepEqual(
      validateObject(inputs[11] as KubeObject).map((v) => v.message),
      ['unknown field "spec.__proto__"', 'unknown field "spec.constructor"', 'unknown field "spec.toString"'],
    );
  });
});

describe('metadata of MetalLB kinds is strict, of core kinds lenient', () => {
  test('misspelt namespace', () => {
    const o = mk(V1, 'IPAddressPool', goodPool());
    o.metadata = { name: 'p', namepsace: 'metallb-system', creationTimestamp: null, managedFields: [{}] };
    assert.deepEqual(msgs(o), ['unknown field "metadata.namepsace" (did you mean "namespace"?)']);
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namepsace: 'x' }, data: { a: 'b' } };
    assert.deepEqual(validateObject(cm), []);
  });
});

describe('group/version table', () => {
  test('isModelledKind', () => {
    assert.equal(isModelledKind('metallb.io/v1beta2', 'BGPPeer'), true);
    assert.equal(isModelledKind('metallb.io/v1beta2', 'IPAddressPool'), false);
    assert.equal(isModelledKind('events.k8s.io/v1', 'Event'), true);
    assert.equal(isModelledKind('v1', 'Event'), true);
    assert.equal(isModelledKind('apps/v1', 'StatefulSet'), false);
    assert.equal(isModelledKind('constructor', 'x'), false);
    assert.equal(isModelledKind(undefined, 'Service'), false);
  });
  test('every modelled kind has a schema', () => {
    for (const [gv, kinds] of Object.entries(MODELLED_KINDS)) for (const k of kinds) assert.ok(schemaFor(gv, k), `${gv} ${k}`);
  });
  test('configuration kinds and preferred versions', () => {
    assert.deepEqual([...METALLB_CONFIG_KINDS].sort(), ['BFDProfile', 'BGPAdvertisement', 'BGPPeer', 'Community', 'IPAddressPool', 'L2Advertisement']);
    assert.equal(preferredApiVersion('BGPPeer'), 'metallb.io/v1beta2');
    assert.equal(preferredApiVersion('EndpointSlice'), 'discovery.k8s.io/v1');
  });
});
