// What a live read masks before anything is kept: BGP passwords (BGPPeer, FRRConfiguration, the
// legacy ConfigMap), last-applied-configuration annotations that carry them, and Secret values.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { dropSecretValues, isPasswordName, LAST_APPLIED, MASK, maskConfigText, maskKubeVipPeers, maskObject } from '../../src/sources/mask.js';
import type { KubeObject } from '../../src/sources/types.js';

const CANARY = 'CANARY-7f3a9c-do-not-leak';

type Obj = KubeObject & { spec?: Record<string, unknown>; data?: Record<string, unknown>; stringData?: Record<string, unknown>; type?: string };

function obj(apiVersion: string, kind: string, rest: Record<string, unknown> = {}, annotations?: Record<string, string>): Obj {
  return { apiVersion, kind, metadata: { name: 'x', namespace: 'metallb-system', ...(annotations ? { annotations } : {}) }, ...rest } as Obj;
}

const lastApplied = (o: KubeObject) => o.metadata.annotations?.[LAST_APPLIED];

describe('BGPPeer', () => {
  for (const version of ['v1beta2', 'v1beta1']) {
    test(`metallb.io/${version} spec.password is masked, the rest kept`, () => {
      const o = obj(`metallb.io/${version}`, 'BGPPeer', { spec: { peerAddress: '10.0.0.1', peerASN: 64501, myASN: 64500, password: 's3cret' } });
      assert.equal(maskObject(o), true);
      assert.equal(o.spec?.password, MASK);
      assert.deepEqual(o.spec, { peerAddress: '10.0.0.1', peerASN: 64501, myASN: 64500, password: MASK });
    });
  }

  test('an empty password stays empty; nothing masked', () => {
    const o = obj('metallb.io/v1beta2', 'BGPPeer', { spec: { peerAddress: '10.0.0.1', password: '' } });
    assert.equal(maskObject(o), false);
    assert.equal(o.spec?.password, '');
  });

  test('no password at all: nothing added', () => {
    const o = obj('metallb.io/v1beta2', 'BGPPeer', { spec: { peerAddress: '10.0.0.1' } });
    assert.equal(maskObject(o), false);
    assert.equal(Object.hasOwn(o.spec ?? {}, 'password'), false);
  });

  test('passwordSecret is a reference, left untouched', () => {
    const ref = { name: 'bgp-secret', namespace: 'metallb-system' };
    const o = obj('metallb.io/v1beta2', 'BGPPeer', { spec: { peerAddress: '10.0.0.1', passwordSecret: { ...ref } } });
    assert.equal(maskObject(o), false);
    assert.deepEqual(o.spec?.passwordSecret, ref);
  });

  test('a BGPPeer of another group (Calico) is untouched, but its last-applied with a password is masked', () => {
    const spec = { peerIP: '10.0.0.1', asNumber: 64501, password: { secretKeyRef: { name: 'bgp', key: 'pw' } } };
    const plain = obj('crd.projectcalico.org/v1', 'BGPPeer', { spec: structuredClone(spec) });
    assert.equal(maskObject(plain), false);
    assert.deepEqual(plain.spec, spec);

    const applied = JSON.stringify({ apiVersion: 'crd.projectcalico.org/v1', kind: 'BGPPeer', spec: { password: 'inline' } });
    const annotated = obj('crd.projectcalico.org/v1', 'BGPPeer', { spec: structuredClone(spec) }, { [LAST_APPLIED]: applied, other: 'kept' });
    assert.equal(maskObject(annotated), true);
    assert.equal(lastApplied(annotated), MASK);
    assert.equal(annotated.metadata.annotations?.other, 'kept');
    assert.deepEqual(annotated.spec, spec);
  });
});

describe('FRRConfiguration', () => {
  test('every neighbour password of every router is masked; empty ones and the rest kept', () => {
    const o = obj('frrk8s.metallb.io/v1beta1', 'FRRConfiguration', {
      spec: {
        bgp: {
          routers: [
            {
              asn: 64500,
              neighbors: [
                { address: '10.0.0.1', asn: 64501, password: 'one' },
                { address: '10.0.0.2', asn: 64502 },
                { address: '10.0.0.3', asn: 64503, password: '' },
                { address: '10.0.0.4', asn: 64504, passwordSecret: { name: 's' } },
              ],
            },
            { asn: 64510, vrf: 'red', neighbors: [{ address: '10.1.0.1', asn: 64511, password: 'two' }] },
            { asn: 64520 },
          ],
        },
      },
    });
    assert.equal(maskObject(o), true);
    const routers = (o.spec?.bgp as { routers: { neighbors?: Record<string, unknown>[] }[] }).routers;
    assert.deepEqual(
      routers.map((r) => (r.neighbors ?? []).map((n) => n.password)),
      [[MASK, undefined, '', undefined], [MASK], []],
    );
    assert.deepEqual(routers[0]!.neighbors![3]!.passwordSecret, { name: 's' });
    assert.equal(routers[1]!.neighbors![0]!.address, '10.1.0.1');
  });

  test('no neighbour password: nothing masked', () => {
    const o = obj('frrk8s.metallb.io/v1beta1', 'FRRConfiguration', { spec: { bgp: { routers: [{ asn: 1, neighbors: [{ address: '10.0.0.1', asn: 2 }] }] } } });
    const before = structuredClone(o);
    assert.equal(maskObject(o), false);
    assert.deepEqual(o, before);
  });
});

const BLOCK_CONFIG = `# legacy MetalLB configuration
peers:
- peer-address: 10.0.0.1   # the ToR switch
  peer-asn: 64501
  my-asn: 64500
  password: s3cret
- peer-address: 10.0.0.2
  peer-asn: 64502
  my-asn: 64500
  password: "quoted s3cret"
- {peer-address: 10.0.0.3, peer-asn: 64503, my-asn: 64500, password: s3cret3}
- peer-address: 10.0.0.4
  peer-asn: 64504
  my-asn: 64500
address-pools:
- name: default
  protocol: bgp
  addresses:
  - 192.168.10.0/24
`;

describe('legacy ConfigMap text', () => {
  test('every peer password is masked, block and flow style; the rest is kept', () => {
    const out = maskConfigText(BLOCK_CONFIG);
    assert.notEqual(out, BLOCK_CONFIG);
    assert.ok(!out.includes('s3cret'), out);
    // comments kept
    assert.ok(out.includes('# legacy MetalLB configuration'), out);
    assert.ok(out.includes('# the ToR switch'), out);
    const before = parse(BLOCK_CONFIG) as { peers: Record<string, unknown>[]; 'address-pools': unknown };
    const after = parse(out) as typeof before;
    assert.deepEqual(
      after.peers.map((p) => p.password),
      [MASK, MASK, MASK, undefined],
    );
    // everything but the passwords equal
    const strip = (peers: Record<string, unknown>[]) => peers.map(({ password: _, ...rest }) => rest);
    assert.deepEqual(strip(after.peers), strip(before.peers));
    assert.deepEqual(after['address-pools'], before['address-pools']);
  });

  test('flow style on its own', () => {
    const text = 'peers:\n- {peer-address: 10.0.0.1, password: s3cret}\n';
    const out = maskConfigText(text);
    assert.deepEqual(parse(out), { peers: [{ 'peer-address': '10.0.0.1', password: MASK }] });
  });

  test('a config without "password" is returned as the identical string', () => {
    const text = '# no secrets here\naddress-pools:\n- name: default\n  protocol: layer2\n  addresses:   [192.168.1.0/24]\n';
    assert.equal(maskConfigText(text), text);
  });

  test('"password" only in a comment or a name: nothing to mask, the text as given', () => {
    const text = '# password is in the secret\naddress-pools:\n- name: password-pool\n  protocol: layer2\n  addresses:\n  - 192.168.1.0/24\n';
    assert.equal(maskConfigText(text), text);
  });

  test('empty password values are left alone', () => {
    const text = 'peers:\n- peer-address: 10.0.0.1\n  password: ""\n';
    assert.equal(maskConfigText(text), text);
  });

  test('text that is not valid YAML: password values masked line by line', () => {
    const text = 'peers: [\n  - peer-address: 10.0.0.1\n    password: x\n  bad';
    const out = maskConfigText(text);
    assert.ok(!/password: x\b/.test(out), out);
    assert.ok(out.includes(`password: "${MASK}"`), out);
    // the other lines as they were
    assert.deepEqual(
      out.split('\n').filter((l) => !l.includes('password')),
      text.split('\n').filter((l) => !l.includes('password')),
    );
  });

  test('not valid YAML, flow style and quoted values', () => {
    const text = "peers: [{peer-address: 10.0.0.1, password: s3cret}, {password: 'single q'}, {\"password\": \"double q\"}\n bad: [";
    const out = maskConfigText(text);
    for (const secret of ['s3cret', 'single q', 'double q']) assert.ok(!out.includes(secret), out);
    // the fallback masks the rest of a line after "password:": nothing of it can survive, whatever it holds
    assert.ok(out.includes(MASK), out);
    assert.ok(out.includes('peer-address: 10.0.0.1'), out);
    for (const tricky of ['password: abc#def', 'password: a,b', 'password: "a\\"b"']) {
      const m = maskConfigText(`${tricky}\nbad: [`);
      for (const part of ['abc', 'def', 'a,b', 'b"']) if (tricky.includes(part)) assert.ok(!m.includes(part), `${tricky} -> ${m}`);
    }
  });

  test('the ConfigMap: every data value masked, other keys and values kept', () => {
    const other = 'just: text\n';
    const o = obj('v1', 'ConfigMap', { data: { config: BLOCK_CONFIG, other } });
    assert.equal(maskObject(o), true);
    assert.notEqual(o.data?.config, BLOCK_CONFIG);
    assert.equal(o.data?.config, maskConfigText(BLOCK_CONFIG));
    assert.equal(o.data?.other, other);
  });

  test('a ConfigMap without passwords: unchanged, nothing masked', () => {
    const o = obj('v1', 'ConfigMap', { data: { config: 'address-pools: []\n' } });
    const before = structuredClone(o);
    assert.equal(maskObject(o), false);
    assert.deepEqual(o, before);
  });
});

describe('last-applied-configuration', () => {
  const withoutPassword = JSON.stringify({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { a: 1 } });
  const withPassword = JSON.stringify({ apiVersion: 'v1', kind: 'X', metadata: { name: 'x' }, spec: { password: 'p' } });

  for (const [apiVersion, kind] of [
    ['metallb.io/v1beta2', 'BGPPeer'],
    ['v1', 'ConfigMap'],
    ['frrk8s.metallb.io/v1beta1', 'FRRConfiguration'],
  ] as const) {
    test(`${kind}: always replaced by the mask, with or without "password"`, () => {
      for (const applied of [withoutPassword, withPassword]) {
        const o = obj(apiVersion, kind, {}, { [LAST_APPLIED]: applied, keep: 'me' });
        assert.equal(maskObject(o), true);
        assert.equal(lastApplied(o), MASK);
        assert.equal(o.metadata.annotations?.keep, 'me');
      }
    });
  }

  test('a Service: replaced only when it contains "password"', () => {
    const a = obj('v1', 'Service', { spec: { type: 'LoadBalancer' } }, { [LAST_APPLIED]: withPassword });
    assert.equal(maskObject(a), true);
    assert.equal(lastApplied(a), MASK);

    const upper = obj('v1', 'Service', {}, { [LAST_APPLIED]: withPassword.replace('password', 'PassWord') });
    assert.equal(maskObject(upper), true);
    assert.equal(lastApplied(upper), MASK);

    const b = obj('v1', 'Service', { spec: { type: 'LoadBalancer' } }, { [LAST_APPLIED]: withoutPassword });
    assert.equal(maskObject(b), false);
    assert.equal(lastApplied(b), withoutPassword);
  });

  test('objects without the annotation, or without annotations: nothing masked, nothing added', () => {
    const a = obj('v1', 'Service', {}, { other: 'password-ish' });
    assert.equal(maskObject(a), false);
    assert.deepEqual(a.metadata.annotations, { other: 'password-ish' });
    const b = obj('metallb.io/v1beta1', 'IPAddressPool', { spec: { addresses: ['10.0.0.0/24'] } });
    const before = structuredClone(b);
    assert.equal(maskObject(b), false);
    assert.deepEqual(b, before);
  });
});

describe('Secret', () => {
  test('data and stringData values become empty, keys and type kept, last-applied emptied', () => {
    const o = obj(
      'v1',
      'Secret',
      { type: 'kubernetes.io/basic-auth', data: { username: 'YWRtaW4=', password: 'czNjcmV0' }, stringData: { token: 'plain' } },
      { [LAST_APPLIED]: '{"data":{"password":"czNjcmV0"}}', note: 'kept' },
    );
    assert.equal(maskObject(o), true);
    assert.deepEqual(o.data, { username: '', password: '' });
    assert.deepEqual(o.stringData, { token: '' });
    assert.equal(o.type, 'kubernetes.io/basic-auth');
    assert.equal(lastApplied(o), '');
    assert.equal(o.metadata.annotations?.note, 'kept');
    assert.equal(o.metadata.name, 'x');
  });

  test('a Secret without data: still reported as masked, nothing added', () => {
    const o = obj('v1', 'Secret', { type: 'Opaque' });
    assert.equal(maskObject(o), true);
    assert.equal(Object.hasOwn(o, 'data'), false);
    assert.equal(Object.hasOwn(o, 'stringData'), false);
  });

  test('dropSecretValues on odd shapes: arrays and scalars emptied too', () => {
    const o: Record<string, unknown> = { kind: 'Secret', data: ['a', 'b'], stringData: 'whole' };
    dropSecretValues(o);
    assert.deepEqual(o.data, ['', '']);
    assert.equal(o.stringData, '');
  });
});

describe('a canary planted everywhere does not survive', () => {
  test('no object keeps it after maskObject', () => {
    const applied = JSON.stringify({ spec: { password: CANARY } });
    const objects: Obj[] = [
      obj('metallb.io/v1beta2', 'BGPPeer', { spec: { peerAddress: '10.0.0.1', password: CANARY } }, { [LAST_APPLIED]: applied }),
      obj('metallb.io/v1beta1', 'BGPPeer', { spec: { peerAddress: '10.0.0.2', password: `${CANARY}-b1` } }, { [LAST_APPLIED]: applied }),
      obj('crd.projectcalico.org/v1', 'BGPPeer', { spec: { peerIP: '10.0.0.3' } }, { [LAST_APPLIED]: applied }),
      obj(
        'frrk8s.metallb.io/v1beta1',
        'FRRConfiguration',
        { spec: { bgp: { routers: [{ asn: 1, neighbors: [{ address: '10.0.0.4', password: CANARY }, { address: '10.0.0.5', password: `x${CANARY}x` }] }, { asn: 2, neighbors: [{ address: '10.0.0.6', password: CANARY }] }] } } },
        { [LAST_APPLIED]: applied },
      ),
      obj('v1', 'ConfigMap', { data: { config: BLOCK_CONFIG.replaceAll('s3cret', CANARY) } }, { [LAST_APPLIED]: applied }),
      obj('v1', 'ConfigMap', { data: { config: `peers: [\n  password: ${CANARY}\n  bad` } }),
      obj('v1', 'Service', { spec: { type: 'LoadBalancer' } }, { [LAST_APPLIED]: applied }),
      obj('v1', 'Secret', { type: 'Opaque', data: { password: Buffer.from(CANARY).toString('base64'), plain: CANARY }, stringData: { pw: CANARY } }, { [LAST_APPLIED]: applied }),
    ];
    const before = JSON.stringify(objects);
    assert.ok(before.includes(CANARY));
    for (const o of objects) assert.equal(maskObject(o), true, `${o.apiVersion} ${o.kind}`);
    const after = JSON.stringify(objects);
    assert.ok(!after.includes(CANARY), after);
    assert.ok(!after.includes(Buffer.from(CANARY).toString('base64')), after);
    // and the masks are there for rules to see that a password is set
    assert.ok(after.split(MASK).length - 1 >= 10);
  });
});

describe('masking in place, aliases, FRR text', () => {
  test('only the values change: every other byte of the configuration stays as written', () => {
    const text = '# keep me\npeers:\n  - peer-address: 10.0.0.1   # the ToR\n    password: s3cret\n    peer-asn: 64501\naddress-pools: [{name: a, protocol: bgp}]\n';
    const out = maskConfigText(text);
    assert.equal(out, text.replace('s3cret', JSON.stringify(MASK)));
    const untouched = maskConfigText('peers: [{peer-address: 10.0.0.1, password: "x y"}]   # flow\n');
    assert.equal(untouched, `peers: [{peer-address: 10.0.0.1, password: ${JSON.stringify(MASK)}}]   # flow\n`);
  });
  test('a password given by alias: the anchored value is masked too', () => {
    const out = maskConfigText('shared: &pw s3cret\npeers:\n- peer-address: 10.0.0.1\n  password: *pw\n');
    assert.ok(!out.includes('s3cret'), out);
    assert.ok(out.includes('&pw'), out);
    assert.ok(out.includes('*pw'), out);
  });
  test("FRR's own text: neighbor X password Y, in a bgpextras ConfigMap and an FRRConfiguration's rawConfig", () => {
    const extras = 'router bgp 64512\n  neighbor 10.0.0.1 password s3cret-frr\n  neighbor 10.0.0.1 remote-as 64513\n';
    const cm = obj('v1', 'ConfigMap', { data: { extras } });
    assert.equal(maskObject(cm), true);
    const masked = (cm.data as Record<string, string>).extras!;
    assert.ok(!masked.includes('s3cret-frr'), masked);
    assert.ok(masked.includes('neighbor 10.0.0.1 remote-as 64513'), masked);
    const frr = obj('frrk8s.metallb.io/v1beta1', 'FRRConfiguration', { spec: { raw: { rawConfig: extras } } });
    assert.equal(maskObject(frr), true);
    assert.ok(!JSON.stringify(frr).includes('s3cret-frr'));
    // and without a password, nothing changes
    const plain = obj('v1', 'ConfigMap', { data: { extras: 'router bgp 64512\n' } });
    assert.equal(maskObject(plain), false);
  });
});

test('maskLogText: the passwords MetalLB and FRR can write into a log line, and nothing else', async () => {
  const { maskLogText, MASK } = await import('../../src/sources/mask.js');
  // MetalLB's FRR mode logs its rendered configuration on a failed reload (go-kit JSON of a struct)
  const reload = '{"caller":"config.go:301","cause":"template","config":{"Routers":[{"Neighbors":[{"Addr":"10.0.0.1","Password":"s3cr3t-\\"x","ASN":"64512"}]}]},"error":"boom","level":"error","op":"reload","ts":"2026-11-20T10:00:00Z"}';
  const masked = maskLogText(reload);
  assert.ok(!masked.includes('s3cr3t'), masked);
  assert.ok(masked.includes(`"Password":"${MASK}"`));
  assert.deepEqual(JSON.parse(masked).config.Routers[0].Neighbors[0].ASN, '64512', 'still JSON, the rest untouched');
  // inside a string value (escaped), Go's %+v, FRR text with \n
  assert.ok(!maskLogText('{"msg":"dump {\\"password\\":\\"hunter2\\"}"}').includes('hunter2'));
  assert.ok(!maskLogText('peer {Addr:10.0.0.1 Password:hunter2 ASN:64512}').includes('hunter2'));
  const frr = maskLogText('{"config":"router bgp 64512\\n neighbor 10.0.0.1 password hunter2\\n neighbor 10.0.0.1 remote-as 64513"}');
  assert.ok(!frr.includes('hunter2') && frr.includes('remote-as 64513'), frr);
  // a line about passwords that holds none is left alone
  const plain = '{"error":"BGP password mismatch with peer 10.0.0.1","level":"error"}';
  assert.equal(maskLogText(plain), plain);
});

describe('kube-vip and other workloads: passwords in env values and flags', () => {
  test('names that hold a password, and names that only look like one', () => {
    for (const n of ['bgp_peerpass', 'DB_PASSWORD', 'peerPass', 'passwd', 'SSH_PASSPHRASE']) assert.equal(isPasswordName(n), true, n);
    for (const n of ['BYPASS_PROXY', 'PASSTHROUGH', 'PASSWORD_FILE', 'admin_password_path', 'bgp_peeraddress', 'COMPASS_URL']) assert.equal(isPasswordName(n), false, n);
  });

  test("bgp_peers: the third field of each peer (kube-vip's ParseBGPPeerConfig), IPv6 in brackets; peers without one stay", () => {
    assert.equal(maskKubeVipPeers(`10.0.0.1:64501:${CANARY}:false,[fd00::1]:64501:${CANARY},10.0.0.3:64502`), `10.0.0.1:64501:${MASK}:false,[fd00::1]:64501:${MASK},10.0.0.3:64502`);
  });

  test('a workload template and its last-applied annotation; the values that are no secret stay', () => {
    const container = { name: 'kube-vip', env: [{ name: 'bgp_peerpass', value: CANARY }, { name: 'BYPASS_PROXY', value: 'yes' }, { name: 'p', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }], args: ['manager', `--peerPass=${CANARY}`, '--bgppeers', `1.1.1.1:1:${CANARY}`, '--interface', 'eth0'] };
    const o = obj('apps/v1', 'DaemonSet', { spec: { template: { spec: { containers: [container] } } } }, { [LAST_APPLIED]: JSON.stringify({ env: [{ name: 'bgp_peerpass', value: CANARY }] }) });
    assert.equal(maskObject(o), true);
    assert.ok(!JSON.stringify(o).includes(CANARY), JSON.stringify(o));
    assert.deepEqual(container.env[1], { name: 'BYPASS_PROXY', value: 'yes' });
    assert.deepEqual(container.args, ['manager', `--peerPass=${MASK}`, '--bgppeers', `1.1.1.1:1:${MASK}`, '--interface', 'eth0']);
    assert.equal(lastApplied(o), MASK);
  });

  test('FRRNodeState: FRR running configuration, every password line masked, the rest byte for byte', () => {
    const o = obj('frrk8s.metallb.io/v1beta1', 'FRRNodeState', { status: { runningConfig: `router bgp 1\n neighbor 10.0.0.1 password ${CANARY}\n neighbor 10.0.0.1 remote-as 2\n!\nline vty\n enable password ${CANARY}\n` } });
    assert.equal(maskObject(o), true);
    assert.equal((o as { status?: { runningConfig: string } }).status?.runningConfig, `router bgp 1\n neighbor 10.0.0.1 password ${MASK}\n neighbor 10.0.0.1 remote-as 2\n!\nline vty\n enable password ${MASK}\n`);
  });
});
