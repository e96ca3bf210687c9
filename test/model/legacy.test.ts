import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Node } from 'yaml';
import { convertLegacyConfig, isLegacyConfigMap, sanitizeLegacyName, type LegacyParsed } from '../../src/model/legacy.js';
import { validateObject } from '../../src/model/schema/index.js';
import { attachSource, packPos, pathKey, positionOf, sourceOf, unpackPos, type KubeObject } from '../../src/sources/types.js';
import { parseEmbeddedYaml, parseYamlText } from '../../src/sources/yaml.js';
import { deriveLegacyConfig } from '../../src/state/legacy-config.js';

const FILE = 'metallb-config.yaml';

/**
 * A ConfigMap file whose data.config block scalar starts on line 8 (content indented 4), and the
 * loader's view of it built here by hand: the parsed embedded value plus a fields map whose
 * positions point into the file.
 */
function legacyFixture(config: string, namespace = 'metallb-system'): { cm: KubeObject; parsed: LegacyParsed; fileLines: string[] } {
  const body = config.replace(/^\n/, '');
  const indented = body
    .split('\n')
    .map((l) => (l === '' ? '' : `    ${l}`))
    .join('\n');
  const file = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config\n  namespace: ${namespace}\n  labels: {}\ndata:\n  config: |\n${indented}`;
  const firstLine = 9; // line of the first content line of the block scalar
  const lc = new LineCounter();
  const doc = parseDocument(body, { lineCounter: lc });
  const fields = new Map<string, number>();
  const at = (n: Node) => {
    const p = lc.linePos(n.range![0]);
    return packPos(firstLine + p.line - 1, 4 + p.col);
  };
  const walk = (n: unknown, path: (string | number)[]) => {
    if (isMap(n)) {
      for (const pair of n.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (pair.value && (pair.value as Node).range) fields.set(pathKey([...path, key]), at(pair.value as Node));
        walk(pair.value, [...path, key]);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => {
        if (item && (item as Node).range) fields.set(pathKey([...path, i]), at(item as Node));
        walk(item, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config', namespace }, data: { config: body } };
  attachSource(cm, {
    file: FILE,
    line: 1,
    column: 1,
    docIndex: 0,
    fields: new Map([
      [pathKey(['metadata', 'namespace']), packPos(5, 14)],
      [pathKey(['data', 'config']), packPos(firstLine, 5)],
    ]),
  });
  return { cm, parsed: { value: doc.toJS(), fields, file: FILE }, fileLines: file.split('\n') };
}

/** The text at a position of the fixture file, to assert positions land on the right token. */
function textAt(lines: string[], obj: KubeObject, path: (string | number)[]): string {
  const p = positionOf(obj, path);
  assert.ok(p, `no position for ${path.join('.')}`);
  assert.equal(p.file, FILE);
  return lines[p.line - 1]!.slice(p.column - 1);
}

const find = (objs: KubeObject[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  assert.ok(o, `${kind}/${name} not found among ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};

const FULL = `
peers:
- peer-address: 10.0.0.1
  peer-asn: 64512
  my-asn: 64512
  peer-port: 1179
  source-address: 10.0.0.2
  hold-time: 120s
  keepalive-time: 1500ms
  router-id: 1.2.3.4
  password: "secret"
  bfd-profile: fast
  node-selectors:
  - match-labels:
      rack: r1
    match-expressions:
    - key: kubernetes.io/arch
      operator: In
      values: [amd64, arm64]
- peer-address: 10.0.0.9
  peer-asn: 64513
  my-asn: 64512
  ebgp-multihop: true
address-pools:
- name: bgp-pool
  protocol: bgp
  addresses:
  - 192.168.10.0/24
  - 192.168.0.150-192.168.0.200
  avoid-buggy-ips: true
  auto-assign: false
  bgp-advertisements:
  - aggregation-length: 24
    localpref: 100
    communities:
    - 64512:1
    - no-export
  - aggregation-length-v6: 64
- name: l2-pool
  protocol: layer2
  addresses:
  - 192.168.11.0/24
- name: bare-bgp
  protocol: bgp
  addresses:
  - 192.168.12.0/24
bgp-communities:
  no-export: 65535:65281
  alpha: 1:2
bfd-profiles:
- name: fast
  receive-interval: 100
  transmit-interval: 100
  detect-multiplier: 5
  echo-mode: true
`;

describe('isLegacyConfigMap', () => {
  test('recognises the legacy ConfigMap', () => {
    assert.equal(isLegacyConfigMap(legacyFixture(FULL).cm), true);
    assert.equal(isLegacyConfigMap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { config: 'peers:\n- my-asn: 1\n' } }), true);
    // any top-level key of MetalLB's configFile, and its JSON form
    const cm = (config: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' }, data: { config } });
    assert.equal(isLegacyConfigMap(cm('bgp-communities:\n  no-export: 65535:65281\n')), true);
    assert.equal(isLegacyConfigMap(cm('bfd-profiles:\n- name: fast\n')), true);
    assert.equal(isLegacyConfigMap(cm('{"address-pools": [{"name": "p", "protocol": "layer2", "addresses": ["10.0.0.0/24"]}]}')), true);
  });
  test('JSON of another program with a "peers" key is not MetalLB\'s', () => {
    const cm = (config: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'config' }, data: { config } });
    assert.equal(isLegacyConfigMap(cm('{"peers": ["a", "b"], "cluster": "x"}')), false);
    assert.equal(isLegacyConfigMap(cm('{"peers": [}')), false);
    assert.equal(isLegacyConfigMap(cm('{}')), false);
  });
  test('rejects other ConfigMaps and other kinds', () => {
    assert.equal(isLegacyConfigMap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { config: 'foo: 1\n' } }), false);
    assert.equal(isLegacyConfigMap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { 'excludel2.yaml': 'address-pools:' } }), false);
    assert.equal(isLegacyConfigMap({ apiVersion: 'v1', kind: 'Secret', metadata: {}, data: { config: 'peers: []' } }), false);
    assert.equal(isLegacyConfigMap({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { config: 5 } }), false);
    assert.equal(isLegacyConfigMap(null), false);
  });
});

describe('convertLegacyConfig: a full configuration', () => {
  const { cm, parsed, fileLines } = legacyFixture(FULL);
  const { objects, problems } = convertLegacyConfig(cm, parsed);

  test('objects in configmaptocrs order', () => {
    assert.deepEqual(
      objects.map((o) => `${o.apiVersion} ${o.kind}/${o.metadata.name}`),
      [
        'metallb.io/v1beta2 BGPPeer/peer1',
        'metallb.io/v1beta2 BGPPeer/peer2',
        'metallb.io/v1beta1 IPAddressPool/bgp-pool',
        'metallb.io/v1beta1 IPAddressPool/l2-pool',
        'metallb.io/v1beta1 IPAddressPool/bare-bgp',
        'metallb.io/v1beta1 BGPAdvertisement/bgpadvertisement1',
        'metallb.io/v1beta1 BGPAdvertisement/bgpadvertisement2',
        'metallb.io/v1beta1 BGPAdvertisement/bgpadvertisement3',
        'metallb.io/v1beta1 L2Advertisement/l2advertisement1',
        'metallb.io/v1beta1 BFDProfile/fast',
        'metallb.io/v1beta1 Community/communities',
      ],
    );
    assert.deepEqual(problems, []);
    for (const o of objects) assert.equal(o.metadata.namespace, 'metallb-system');
  });
  test('every derived object passes our schema', () => {
    for (const o of objects) assert.deepEqual(validateObject(o), [], `${o.kind}/${o.metadata.name}`);
  });
  test('peers: timers, selectors, zero values', () => {
    assert.deepEqual(find(objects, 'BGPPeer', 'peer1').spec, {
      myASN: 64512,
      peerASN: 64512,
      peerAddress: '10.0.0.1',
      sourceAddress: '10.0.0.2',
      peerPort: 1179,
      holdTime: '2m0s',
      keepaliveTime: '1s',
      routerID: '1.2.3.4',
      nodeSelectors: [{ matchLabels: { rack: 'r1' }, matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['amd64', 'arm64'] }] }],
      password: 'secret',
      bfdProfile: 'fast',
    });
    // hold time defaults to 90s, keepalive stays unset
    assert.deepEqual(find(objects, 'BGPPeer', 'peer2').spec, { myASN: 64512, peerASN: 64513, peerAddress: '10.0.0.9', holdTime: '1m30s', ebgpMultiHop: true });
  });
  test('pools and advertisements', () => {
    assert.deepEqual(find(objects, 'IPAddressPool', 'bgp-pool').spec, { addresses: ['192.168.10.0/24', '192.168.0.150-192.168.0.200'], autoAssign: false, avoidBuggyIPs: true });
    assert.deepEqual(find(objects, 'BGPAdvertisement', 'bgpadvertisement1').spec, { aggregationLength: 24, localPref: 100, communities: ['64512:1', 'no-export'], ipAddressPools: ['bgp-pool'] });
    assert.deepEqual(find(objects, 'BGPAdvertisement', 'bgpadvertisement2').spec, { aggregationLengthV6: 64, ipAddressPools: ['bgp-pool'] });
    assert.deepEqual(find(objects, 'BGPAdvertisement', 'bgpadvertisement3').spec, { ipAddressPools: ['bare-bgp'] });
    assert.deepEqual(find(objects, 'L2Advertisement', 'l2advertisement1').spec, { ipAddressPools: ['l2-pool'] });
  });
  test('BFD profile and communities', () => {
    assert.deepEqual(find(objects, 'BFDProfile', 'fast').spec, { receiveInterval: 100, transmitInterval: 100, detectMultiplier: 5, echoMode: true, passiveMode: false });
    assert.deepEqual(find(objects, 'Community', 'communities').spec, {
      communities: [
        { name: 'alpha', value: '1:2' },
        { name: 'no-export', value: '65535:65281' },
      ],
    });
  });
  test('positions point into the ConfigMap file', () => {
    const pool = find(objects, 'IPAddressPool', 'bgp-pool');
    assert.equal(textAt(fileLines, pool, ['spec', 'addresses', 1]), '192.168.0.150-192.168.0.200');
    assert.deepEqual(positionOf(pool, ['spec', 'addresses', 1]), { file: FILE, line: 36, column: 9 });
    assert.equal(textAt(fileLines, pool, ['spec', 'autoAssign']), 'false');
    assert.equal(textAt(fileLines, pool, ['metadata', 'name']), 'bgp-pool');
    assert.equal(textAt(fileLines, pool, ['metadata', 'namespace']), 'metallb-system');
    const peer1 = find(objects, 'BGPPeer', 'peer1');
    assert.equal(textAt(fileLines, peer1, ['spec', 'peerAddress']), '10.0.0.1');
    assert.equal(textAt(fileLines, peer1, ['spec', 'holdTime']), '120s');
    assert.equal(textAt(fileLines, peer1, ['spec', 'nodeSelectors', 0, 'matchLabels', 'rack']), 'r1');
    assert.equal(textAt(fileLines, peer1, ['spec', 'nodeSelectors', 0, 'matchExpressions', 0, 'values', 1]), 'arm64]');
    assert.equal(textAt(fileLines, peer1, ['spec', 'nodeSelectors', 0, 'matchExpressions', 0, 'operator']), 'In');
    // a field the legacy config did not have falls back to the peer's entry
    const peer2 = find(objects, 'BGPPeer', 'peer2');
    assert.equal(textAt(fileLines, peer2, ['spec', 'holdTime']), 'peer-address: 10.0.0.9');
    const ad1 = find(objects, 'BGPAdvertisement', 'bgpadvertisement1');
    assert.equal(textAt(fileLines, ad1, ['spec', 'communities', 1]), 'no-export');
    assert.equal(textAt(fileLines, ad1, ['spec', 'ipAddressPools', 0]), 'bgp-pool');
    const ad3 = find(objects, 'BGPAdvertisement', 'bgpadvertisement3');
    assert.equal(textAt(fileLines, ad3, []), 'bgp');
    const community = find(objects, 'Community', 'communities');
    assert.equal(textAt(fileLines, community, ['spec', 'communities', 0, 'value']), '1:2');
    const bfd = find(objects, 'BFDProfile', 'fast');
    assert.equal(textAt(fileLines, bfd, ['spec', 'detectMultiplier']), '5');
  });
  test('derived objects remember the ConfigMap', () => {
    for (const o of objects) assert.deepEqual(sourceOf(o)?.derivedFrom, { kind: 'ConfigMap', namespace: 'metallb-system', name: 'config' });
  });
});

describe('convertLegacyConfig: names, protocols and mistakes', () => {
  test('names are sanitised like configmaptocrs, references follow', () => {
    const { cm, parsed } = legacyFixture(`
peers:
- peer-address: 10.0.0.1
  peer-asn: 1
  my-asn: 2
  bfd-profile: underscored_bfd_profile
address-pools:
- name: 01-numbered-addresspool
  protocol: bgp
  addresses: [198.51.100.0/24]
- name: Capitalized_AddressPool
  protocol: layer2
  addresses: [192.168.1.240/28]
- name: "1234"
  protocol: layer2
  addresses: [192.168.2.0/24]
bfd-profiles:
- name: underscored_bfd_profile
- name: tooLongBFDProfileName01-tooLongBFDProfileName02-tooLongBFDProfileName03-tooLongBFDProfileName04
`);
    const { objects, problems } = convertLegacyConfig(cm, parsed);
    assert.deepEqual(
      objects.map((o) => `${o.kind}/${o.metadata.name}`),
      [
        'BGPPeer/peer1',
        'IPAddressPool/numbered-addresspool',
        'IPAddressPool/capitalized-addresspool',
        'BGPAdvertisement/bgpadvertisement1',
        'L2Advertisement/l2advertisement1',
        'BFDProfile/underscored-bfd-profile',
        'BFDProfile/toolongbfdprofilename01-toolongbfdprofilename02-toolongbfdprofi',
      ],
    );
    assert.equal((find(objects, 'BGPPeer', 'peer1').spec as Record<string, unknown>).bfdProfile, 'underscored-bfd-profile');
    assert.deepEqual((find(objects, 'BGPAdvertisement', 'bgpadvertisement1').spec as Record<string, unknown>).ipAddressPools, ['numbered-addresspool']);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.path.join('.')]),
      [
        ['renamed', 'peers.0.bfd-profile'],
        ['renamed', 'address-pools.0.name'],
        ['renamed', 'address-pools.1.name'],
        ['conversion-failed', 'address-pools.2.name'],
        ['renamed', 'bfd-profiles.0.name'],
        ['renamed', 'bfd-profiles.1.name'],
      ],
    );
    assert.equal(problems[3]!.message, 'failed to make IpAddressPool K8S compatible: 1234 (configmaptocrs stops here)');
    assert.deepEqual(problems[1]!.position, { file: FILE, line: 15, column: 13 });
  });
  test('sanitizeLegacyName', () => {
    assert.deepEqual(sanitizeLegacyName('ok-name'), { name: 'ok-name' });
    assert.deepEqual(sanitizeLegacyName('--A_b'), { name: 'a-b' });
    assert.deepEqual(sanitizeLegacyName('a.b'), { name: 'a.b' }); // not fixed further: the schema rule reports what remains
    assert.ok('error' in sanitizeLegacyName('12-34'));
    assert.ok('error' in sanitizeLegacyName(''));
  });
  test('protocol l2, missing protocol, bgp-advertisements on a layer2 pool; global counters', () => {
    const { cm, parsed, fileLines } = legacyFixture(`
address-pools:
- name: a
  protocol: l2
  addresses: [10.0.0.0/24]
- name: b
  addresses: [10.0.1.0/24]
- name: c
  protocol: layer2
  addresses: [10.0.2.0/24]
  bgp-advertisements:
  - localpref: 5
- name: d
  protocol: bgp
  addresses: [10.0.3.0/24]
  bgp-advertisements:
  - localpref: 7
  - localpref: 8
- name: e
  protocol: layer2
  addresses: [10.0.4.0/24]
`);
    const { objects, problems } = convertLegacyConfig(cm, parsed);
    const ads = objects.filter((o) => o.kind.endsWith('Advertisement')).map((o) => `${o.kind}/${o.metadata.name}=${(o.spec as { ipAddressPools: string[] }).ipAddressPools[0]}`);
    assert.deepEqual(ads, [
      'BGPAdvertisement/bgpadvertisement1=c',
      'BGPAdvertisement/bgpadvertisement2=d',
      'BGPAdvertisement/bgpadvertisement3=d',
      'L2Advertisement/l2advertisement1=c',
      'L2Advertisement/l2advertisement2=e',
    ]);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.path.join('.')]),
      [
        ['legacy-invalid', 'address-pools.0.protocol'],
        ['legacy-invalid', 'address-pools.1'],
        ['legacy-invalid', 'address-pools.2.bgp-advertisements'],
      ],
    );
    assert.match(problems[0]!.message, /^unknown protocol "l2"/);
    assert.match(problems[1]!.message, /missing the protocol field/);
    assert.match(problems[2]!.message, /^cannot have bgp-advertisements configuration element in a layer2 address pool/);
    const pos = problems[0]!.position!;
    assert.equal(fileLines[pos.line - 1]!.slice(pos.column - 1), 'l2');
  });
  test('wrong types, unknown fields and bad timers', () => {
    const { cm, parsed, fileLines } = legacyFixture(
      `
peers:
- peer-address: 10.0.0.1
  peer-asn: 1
  my-asn: "64500"
  hold-time: 1s
  keepalive-time: 10
  peer-port: 70000
address-pools:
- name: p
  protocol: bgp
  adresses: [10.0.0.0/24]
  Auto-Assign: false
`,
      'custom-ns',
    );
    const { objects, problems } = convertLegacyConfig(cm, parsed);
    assert.deepEqual(
      problems.map((p) => [p.kind, p.path.join('.')]),
      [
        ['conversion-failed', 'peers.0.my-asn'],
        ['conversion-failed', 'peers.0.peer-port'],
        ['conversion-failed', 'peers.0.hold-time'],
        ['conversion-failed', 'peers.0.keepalive-time'],
        ['legacy-invalid', 'address-pools.0.adresses'],
        ['legacy-invalid', 'address-pools.0.Auto-Assign'],
      ],
    );
    assert.equal(problems[0]!.message, 'peers[0].my-asn: cannot unmarshal string "64500" into uint32');
    assert.equal(problems[2]!.message, 'invalid hold time "1s": must be 0 or >=3s');
    assert.match(problems[4]!.message, /^field adresses not found in type config\.addressPool \(did you mean "addresses"\?\)/);
    // encoding/json matches keys case-insensitively: configmaptocrs takes Auto-Assign, legacy MetalLB did not
    assert.match(problems[5]!.message, /did you mean "auto-assign"\?\): legacy MetalLB refuses the whole configuration$/);
    const pool = find(objects, 'IPAddressPool', 'p');
    assert.deepEqual(pool.spec, { addresses: [], autoAssign: false });
    assert.equal(pool.metadata.namespace, 'custom-ns');
    // the pool has no addresses: our schema accepts [], MetalLB's parse says "pool has no prefixes defined"
    const p0 = problems[0]!.position!;
    assert.equal(fileLines[p0.line - 1]!.slice(p0.column - 1), '"64500"');
  });
  test('empty or non-mapping configurations', () => {
    const { cm } = legacyFixture(FULL);
    assert.deepEqual(convertLegacyConfig(cm, { value: null, fields: new Map(), file: FILE }), { objects: [], problems: [] });
    const r = convertLegacyConfig(cm, { value: ['peers'], fields: new Map(), file: FILE });
    assert.deepEqual(r.objects, []);
    assert.equal(r.problems[0]!.kind, 'conversion-failed');
  });
  test('never throws on random configurations (300 runs)', () => {
    const { cm } = legacyFixture(FULL);
    const key = fc.constantFrom('peers', 'address-pools', 'bgp-communities', 'bfd-profiles', 'name', 'protocol', 'addresses', 'my-asn', 'node-selectors', 'bgp-advertisements', 'match-labels', 'match-expressions', 'values', 'hold-time');
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 1 }), fc.array(tie('v'), { maxLength: 3 }), fc.dictionary(key, tie('v'), { maxKeys: 4 })),
    })).v;
    fc.assert(
      fc.property(fc.dictionary(key, value, { maxKeys: 5 }), (cfg) => {
        const r = convertLegacyConfig(cm, { value: cfg, fields: new Map(), file: FILE });
        for (const o of r.objects) assert.ok(sourceOf(o), 'every derived object has a source');
        for (const p of r.problems) assert.equal(typeof p.message, 'string');
      }),
      { numRuns: 300 },
    );
  });
});

/** A ConfigMap file with data.config as a literal block, read as the loader reads it (positions, literal blocks). */
function configMapFile(configLines: string[]): string {
  return ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: config', '  namespace: metallb-system', 'data:', '  config: |', ...configLines].join('\n');
}
function loadedConfigMap(text: string): KubeObject {
  const doc = parseYamlText(text, 'cm.yaml').documents[0]!;
  const cm = doc.value as KubeObject;
  attachSource(cm, { file: 'cm.yaml', ...unpackPos(doc.pos), docIndex: 0, fields: doc.fields, literalBlocks: doc.literalBlocks });
  return cm;
}

describe('with the loader\'s own parser', () => {
  test('positions from parseEmbeddedYaml land on the ConfigMap lines', () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: config',
      '  namespace: metallb-system',
      'data:',
      '  config: |',
      '    address-pools:',
      '    - name: default',
      '      protocol: layer2',
      '      addresses:',
      '      - 10.0.0.0/24',
      '      - 10.0.1.0/24',
      '',
    ].join('\n');
    const doc = parseYamlText(text, 'cm.yaml').documents[0]!;
    const cm = doc.value as KubeObject;
    attachSource(cm, { file: 'cm.yaml', ...unpackPos(doc.pos), docIndex: 0, fields: doc.fields });
    assert.equal(isLegacyConfigMap(cm), true);
    const at = unpackPos(doc.fields.get(pathKey(['data', 'config']))!);
    const emb = parseEmbeddedYaml((cm.data as { config: string }).config, 'cm.yaml', at).documents[0]!;
    const { objects, problems } = convertLegacyConfig(cm, { value: emb.value, fields: emb.fields, file: 'cm.yaml' });
    assert.deepEqual(problems, []);
    const pool = find(objects, 'IPAddressPool', 'default');
    assert.deepEqual(positionOf(pool, ['spec', 'addresses', 1]), { file: 'cm.yaml', line: 13, column: 9 });
    assert.deepEqual(positionOf(pool, ['metadata', 'namespace']), { file: 'cm.yaml', line: 5, column: 14 });
    const l2 = find(objects, 'L2Advertisement', 'l2advertisement1');
    assert.deepEqual(positionOf(l2, ['spec', 'ipAddressPools', 0]), { file: 'cm.yaml', line: 9, column: 13 });
  });

  test('a number or a boolean in a text field is its text as written, as Go decodes it (a password 0123456 stays 0123456)', () => {
    const config = [
      '    peers:',
      '    - peer-address: 10.0.0.1',
      '      peer-asn: 65001',
      '      my-asn: 65000',
      '      password: 0123456',
      '      hold-time: 0',
      '      node-selectors:',
      '      - match-labels:',
      '          rack: 1',
      '          bgp-speaker: true',
      '        match-expressions:',
      '        - key: zone',
      '          operator: In',
      '          values: [1, 2.50]',
      '    address-pools:',
      '    - name: p',
      '      protocol: bgp',
      '      addresses: [10.0.0.0/24]',
      '',
    ];
    const d = deriveLegacyConfig(loadedConfigMap(configMapFile(config)));
    assert.deepEqual(d.problems, []);
    const peer = find(d.objects, 'BGPPeer', 'peer1');
    const spec = peer.spec as Record<string, unknown>;
    assert.equal(spec.password, '0123456');
    assert.equal(spec.holdTime, '0s');
    assert.deepEqual(spec.nodeSelectors, [{ matchLabels: { rack: '1', 'bgp-speaker': 'true' }, matchExpressions: [{ key: 'zone', operator: 'In', values: ['1', '2.50'] }] }]);
  });

  test('what legacy MetalLB refused as a whole: a duplicate key, pool name or BFD profile name', () => {
    const config = [
      '    bfd-profiles:',
      '    - name: fast',
      '    - name: fast',
      '    address-pools:',
      '    - name: p',
      '      protocol: bgp',
      '      addresses: [10.0.0.0/24]',
      '      protocol: layer2',
      '    - name: p',
      '      protocol: layer2',
      '      addresses: [10.0.1.0/24]',
      '',
    ];
    const d = deriveLegacyConfig(loadedConfigMap(configMapFile(config)));
    assert.deepEqual(
      d.problems.map((p) => [p.kind, p.position?.line, p.message]),
      [
        ['legacy-invalid', 15, 'duplicate key "protocol": legacy MetalLB (yaml.v2 UnmarshalStrict) refuses the whole configuration; configmaptocrs keeps the last value'],
        ['legacy-invalid', 16, 'duplicate definition of pool "p": legacy MetalLB refuses the whole configuration'],
        ['legacy-invalid', 10, 'found duplicate bfd profile name fast: legacy MetalLB refuses the whole configuration'],
      ],
    );
    assert.deepEqual(d.issues, []);
  });

  test('integers as yaml.v2 resolves a plain scalar: 065001 is octal, underscores drop, 0x is hex; quoted text is no integer', () => {
    const config = [
      '    peers:',
      '    - peer-address: 10.0.0.1',
      '      peer-asn: 065001',
      '      my-asn: 4_200_000_000',
      '      peer-port: 0x17F',
      '    address-pools:',
      '    - name: p',
      '      protocol: bgp',
      '      addresses: [10.0.0.0/24]',
      '      bgp-advertisements:',
      '      - localpref: "100"',
      '',
    ];
    const d = deriveLegacyConfig(loadedConfigMap(configMapFile(config)));
    const spec = find(d.objects, 'BGPPeer', 'peer1').spec as Record<string, unknown>;
    assert.deepEqual([spec.peerASN, spec.myASN, spec.peerPort], [27137, 4200000000, 383]);
    // the octal reading is said; a quoted "100" is a string: yaml.v2 refuses it for a uint32, as configmaptocrs does
    assert.deepEqual(
      d.problems.map((p) => [p.kind, p.message]),
      [
        ['reinterpreted', 'peers[0].peer-asn: 065001 has a leading 0, so legacy MetalLB and configmaptocrs read it as an octal number: 27137'],
        ['conversion-failed', 'address-pools[0].bgp-advertisements[0].localpref: cannot unmarshal string "100" into uint32'],
      ],
    );
  });
});
