// The peers section of the parse: peerFromCR and peersFor (internal/config/config.go), the native
// mode filter's peer checks (DiscardFRROnly) and the FRR modes' peer-pair checks
// (DiscardNativeOnly -> checkFRRPeersCompatible) of internal/config/validation.go.
import type { FieldPath, KubeObject } from '../../sources/types.js';
import { parseIP } from '../address.js';
import { findDuplicateSelector, matchesAnySelector, validateSelector } from '../selectors.js';
import type { LabelSelector } from '../kinds.js';
import { formatGoDuration, parseGoDuration, truncateToSeconds, NANOS_PER_SECOND } from '../schema/duration.js';
import type { ConfigError, ConfigErrorCode, ConfigInput, ParseContext, Rejection } from './types.js';
import { versionAtLeast, versionBefore } from '../../state/installation.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Go's errors.Join prints one error a line; a finding is one line. */
const join = (...parts: string[]): string => parts.join('; ');

export interface TimersResult {
  /** nanoseconds; undefined = backend default (both unset) */
  holdTime?: bigint;
  keepaliveTime?: bigint;
  error?: string;
}

/** Go's %q of a *metav1.Duration: the quoted Duration.String(), or <nil> for a nil pointer. */
function quoteDuration(ns: bigint | undefined): string {
  return ns === undefined ? '<nil>' : JSON.stringify(formatGoDuration(ns));
}

/**
 * parseTimers: both unset stays unset; only holdTime -> keepalive = hold/3; only keepaliveTime
 * -> hold = 3 x keepalive; hold truncated to whole seconds must be 0 or >= 3s; keepalive must
 * not exceed hold. Arguments are nanoseconds of the fields as written (undefined = absent).
 */
export function parseTimers(ht: bigint | undefined, ka: bigint | undefined): TimersResult {
  if (ht === undefined && ka === undefined) return {};
  // time.Duration / 3 truncates toward zero, as bigint division does
  const hold = ht ?? ka! * 3n;
  const keepalive = ka ?? ht! / 3n;
  const rounded = truncateToSeconds(hold);
  if (rounded !== 0n && rounded < 3n * NANOS_PER_SECOND) {
    return { error: `invalid hold time ${quoteDuration(ht)}: must be 0 or >=3s` };
  }
  if (keepalive > hold) {
    return { error: `invalid keepaliveTime ${quoteDuration(ka)}, must be lower than holdTime ${quoteDuration(ht)}` };
  }
  return { holdTime: hold, keepaliveTime: keepalive };
}

/**
 * The timers before v0.14.9 (peerFromCR): holdTime 0 or unset is 90s, keepaliveTime 0 or unset is
 * holdTime/3, then the hold time must be 0 or >= 3s and keepalive no greater than hold.
 */
export function parseTimersBefore0149(ht: bigint | undefined, ka: bigint | undefined): TimersResult {
  const hold = ht === undefined || ht === 0n ? 90n * NANOS_PER_SECOND : ht;
  const keepalive = ka === undefined || ka === 0n ? hold / 3n : ka;
  const rounded = truncateToSeconds(hold);
  if (rounded !== 0n && rounded < 3n * NANOS_PER_SECOND) return { error: `invalid hold time ${JSON.stringify(formatGoDuration(hold))}: must be 0 or >=3s` };
  if (keepalive > hold) return { error: `invalid keepaliveTime ${JSON.stringify(formatGoDuration(keepalive))} must be smaller than holdtime ${JSON.stringify(formatGoDuration(hold))}` };
  return { holdTime: hold, keepaliveTime: keepalive };
}

/** A duration field as written: absent, its nanoseconds, or unreadable (schema's business). */
function durationField(v: unknown): { present: false } | { present: true; ns?: bigint } {
  if (v === undefined || v === null) return { present: false };
  if (typeof v !== 'string') return { present: true };
  const d = parseGoDuration(v);
  return d.ok ? { present: true, ns: d.ns } : { present: true };
}

/** What a finding adds when a peer's error escapes the webhook through the disableMP quirk. */
export const DISABLE_MP_NOTE = 'the BGPPeer webhook lets a peer with disableMP: true through on create without checking it';

/**
 * Whether the webhook sees this peer's fields: on CREATE, disableMP: true skips every check (from
 * v0.15.0, when disableMP was deprecated; before, the webhook validated such a peer too).
 */
function peerRejection(peer: KubeObject, version: string | undefined): Rejection {
  return skipsWebhook(peer, version) ? 'runtime' : 'webhook';
}

function skipsWebhook(peer: KubeObject, version: string | undefined): boolean {
  return rec(peer.spec).disableMP === true && versionAtLeast(version, 0, 15) !== false;
}

function peerName(peer: KubeObject): string {
  return peer.metadata?.name ?? '';
}

/** peerFromCR's checks for one peer (each reported; MetalLB stops at the first). */
function peerErrors(peer: KubeObject, input: ConfigInput, ctx: ParseContext): ConfigError[] {
  const out: ConfigError[] = [];
  const spec = rec(peer.spec);
  const name = peerName(peer);
  const ns = peer.metadata?.namespace ?? ctx.metallbNamespace;
  const rejectedBy = peerRejection(peer, ctx.version);
  const add = (code: ConfigErrorCode, inner: string, path: FieldPath | undefined, by: Rejection = rejectedBy, transient?: boolean) => {
    const e: ConfigError = { code, message: `parsing peer ${name} ${inner}`, subjects: [{ obj: peer, path }], rejectedBy: by };
    if (transient) e.transient = true;
    out.push(e);
  };

  const myASN = num(spec.myASN);
  const asn = num(spec.peerASN);
  const dynamicASN = str(spec.dynamicASN);
  if (myASN === 0) add('peer-my-asn-missing', 'missing local ASN', ['spec', 'myASN']);
  if (asn === 0 && dynamicASN === '') add('peer-asn-missing', 'missing peer ASN and dynamicASN', ['spec', 'peerASN']);
  if (asn !== 0 && dynamicASN !== '') add('peer-asn-both', 'both peer ASN and dynamicASN specified', ['spec', 'dynamicASN']);
  if (dynamicASN !== '' && dynamicASN !== 'internal' && dynamicASN !== 'external') {
    add('peer-dynamic-asn-invalid', `invalid dynamicASN ${dynamicASN}`, ['spec', 'dynamicASN']);
  }
  // compares the static peerASN only: dynamicASN internal with ebgpMultiHop passes
  if (asn === myASN && spec.ebgpMultiHop === true) {
    add('peer-ebgp-multihop-ibgp', 'invalid ebgp-multihop parameter set for an ibgp peer', ['spec', 'ebgpMultiHop']);
  }
  const address = str(spec.peerAddress);
  const iface = str(spec.interface);
  if (address === '' && iface === '') add('peer-address-missing', 'peer has no Address or Interface specified', ['spec']);
  if (address !== '' && iface !== '') add('peer-address-both', 'peer has both Address and Interface specified', ['spec', 'interface']);

  const ht = durationField(spec.holdTime);
  const ka = durationField(spec.keepaliveTime);
  // an unreadable duration is object-schema-invalid's; the timers cannot be judged then
  if ((!ht.present || ht.ns !== undefined) && (!ka.present || ka.ns !== undefined)) {
    const timers = versionAtLeast(ctx.version, 0, 14, 9) === false ? parseTimersBefore0149 : parseTimers;
    const t = timers(ht.present ? ht.ns : undefined, ka.present ? ka.ns : undefined);
    if (t.error) {
      const path: FieldPath = t.error.startsWith('invalid hold time') && ht.present ? ['spec', 'holdTime'] : ka.present ? ['spec', 'keepaliveTime'] : ['spec', 'holdTime'];
      add('peer-timers-invalid', `invalid BGPPeer timers: ${t.error}`, path);
    }
  }

  if (address !== '' && !parseIP(address)) add('peer-address-invalid', `invalid BGPPeer address ${JSON.stringify(address)}`, ['spec', 'peerAddress']);
  const routerID = str(spec.routerID);
  if (routerID !== '' && !parseIP(routerID)) add('peer-router-id-invalid', `invalid router ID ${JSON.stringify(routerID)}`, ['spec', 'routerID']);
  const source = str(spec.sourceAddress);
  if (source !== '' && !parseIP(source)) add('peer-source-address-invalid', `invalid source IP ${JSON.stringify(source)}`, ['spec', 'sourceAddress']);

  const selectors = Array.isArray(spec.nodeSelectors) ? spec.nodeSelectors : [];
  const dup = findDuplicateSelector(selectors, 'nodeSelectors');
  if (dup) {
    const base: (string | number)[] = ['spec', 'nodeSelectors', dup.duplicateOf ?? dup.index];
    const path: FieldPath = dup.expression !== undefined ? [...base, 'matchExpressions', dup.expression] : base;
    add('peer-node-selector', dup.message, path);
  } else {
    selectors.forEach((s, i) => {
      const err = validateSelector(s);
      if (err) add('peer-node-selector', join(err, `failed to convert peer ${name} node selector`), ['spec', 'nodeSelectors', i]);
    });
  }

  const password = str(spec.password);
  const secretName = str(rec(spec.passwordSecret).name);
  if (password !== '' && secretName !== '') {
    // the webhook blanks passwordSecret before parsing: only the runtime parse sees both
    add('peer-password-both', `can not have both password and secret ref set in peer config ${JSON.stringify(ns)}/${JSON.stringify(name)}`, ['spec', 'passwordSecret', 'name'], 'runtime');
  } else if (secretName !== '' && input.secrets) {
    const secret = input.secrets.find((s) => s.metadata?.name === secretName);
    const fail = (code: ConfigErrorCode, inner: string, transient?: boolean) =>
      add(code, join(inner, `failed to parse peer ${name} password secret`), ['spec', 'passwordSecret', 'name'], 'runtime', transient);
    if (!secret) {
      fail('peer-secret-missing', `secret ref not found for peer config ${JSON.stringify(ns)}/${JSON.stringify(name)}`, true);
    } else {
      const sNs = secret.metadata?.namespace ?? ctx.metallbNamespace;
      const where = `${JSON.stringify(sNs)}/${JSON.stringify(secretName)}`;
      // the API server defaults an absent type to Opaque
      const type = str((secret as Rec).type) || 'Opaque';
      if (type !== 'kubernetes.io/basic-auth') {
        fail('peer-secret-type', `secret type mismatch on ${where}, type "kubernetes.io/basic-auth" is expected `);
      } else {
        // stringData is merged into data by the API server; files may still carry it
        const keys = [...Object.keys(rec((secret as Rec).data)), ...Object.keys(rec((secret as Rec).stringData))];
        if (!keys.includes('password')) fail('peer-secret-no-password', `password not specified in the secret ${where}`);
      }
    }
  }

  const bfdProfile = str(spec.bfdProfile);
  if (bfdProfile !== '' && !input.notCaptured?.has('BFDProfile') && !input.bfdProfiles.some((b) => b.metadata?.name === bfdProfile)) {
    // a TransientError, not wrapped in "parsing peer"; the webhook blanks bfdProfile
    out.push({
      code: 'peer-bfd-profile-missing',
      message: `peer ${name} referencing non existing bfd profile ${bfdProfile}`,
      subjects: [{ obj: peer, path: ['spec', 'bfdProfile'] }],
      rejectedBy: 'runtime',
      transient: true,
    });
  }
  return out;
}

/** An unreadable duration is object-schema-invalid's, not set here. */
function nonZeroDuration(v: string): boolean {
  const d = parseGoDuration(v);
  return d.ok && d.ns !== 0n;
}

/** DiscardFRROnly's peer checks, in its order; the text names the peer by its address. */
const NATIVE_FIELDS: { field: string; text: string; set: (v: unknown) => boolean }[] = [
  { field: 'bfdProfile', text: 'bfd-profile set', set: (v) => str(v) !== '' },
  { field: 'keepaliveTime', text: 'keepalive-time set', set: (v) => typeof v === 'string' && nonZeroDuration(v) },
  { field: 'vrf', text: 'vrf set', set: (v) => str(v) !== '' },
  { field: 'connectTime', text: 'connect time set', set: (v) => v !== undefined && v !== null },
  { field: 'enableGracefulRestart', text: 'EnableGracefulRestart flag set', set: (v) => v === true },
  { field: 'disableMP', text: 'disable MP flag set', set: (v) => v === true },
  { field: 'dualStackAddressFamily', text: 'dualstackaddressfamily flag set', set: (v) => v === true },
  { field: 'dynamicASN', text: 'dynamicASN set', set: (v) => str(v) !== '' },
  { field: 'interface', text: 'interface set', set: (v) => str(v) !== '' },
  { field: 'localASN', text: 'localASN set', set: (v) => num(v) !== 0 },
];

function nativeErrors(peer: KubeObject, version: string | undefined): ConfigError[] {
  const spec = rec(peer.spec);
  const out: ConfigError[] = [];
  for (const f of NATIVE_FIELDS) {
    if (!f.set(spec[f.field])) continue;
    out.push({
      code: 'peer-native-unsupported',
      message: `peer ${str(spec.peerAddress)} has ${f.text} on native bgp mode`,
      subjects: [{ obj: peer, path: ['spec', f.field] }],
      // the webhook blanks bfdProfile before the mode filter runs
      rejectedBy: f.field === 'bfdProfile' ? 'runtime' : peerRejection(peer, version),
    });
  }
  return out;
}

/** PeerIdentifier: the address (or interface), with "-<vrf>" for a named VRF. */
export function peerIdentifier(peer: KubeObject): string {
  const spec = rec(peer.spec);
  const id = str(spec.peerAddress) || str(spec.interface);
  const vrf = str(spec.vrf);
  return vrf === '' ? id : `${id}-${vrf}`;
}

function nodeSelectorsOf(peer: KubeObject): unknown[] {
  const s = rec(peer.spec).nodeSelectors;
  return Array.isArray(s) ? s : [];
}

/** Node names a peer selects (empty list = all nodes). */
function peerNodes(peer: KubeObject, nodes: readonly KubeObject[]): Set<string> {
  const sels = nodeSelectorsOf(peer) as LabelSelector[];
  return new Set(nodes.filter((n) => matchesAnySelector(sels, n.metadata?.labels)).map((n) => n.metadata?.name ?? ''));
}

/**
 * checkFRRPeersCompatible: every pair of peers sharing a node. Before v0.16.0 (DiscardNativeOnly)
 * every pair of peers, wherever their nodes: peers of disjoint racks were refused too.
 */
function frrPairErrors(peers: readonly KubeObject[], nodes: readonly KubeObject[] | undefined, version: string | undefined): ConfigError[] {
  const out: ConfigError[] = [];
  const global = versionBefore(version, 0, 16) === true;
  // MetalLB assumes every pair shares a node when it knows no node; so do we when none was captured
  const known = !global && nodes !== undefined && nodes.length > 0;
  const assumed = global
    ? ` (MetalLB ${version} compares every pair of BGPPeers, whichever nodes they select; v0.16.0 compares only peers that share a node)`
    : known
      ? ''
      : nodes === undefined
        ? ' (Nodes not captured: assumed to share a node, as MetalLB does with no node list)'
        : ' (no Node known: MetalLB assumes the peers share a node)';
  const sets = known ? peers.map((p) => peerNodes(p, nodes)) : [];
  // a peer with an invalid node selector is peer-node-selector's; MetalLB fails on it either way
  const readable = peers.map((p) => nodeSelectorsOf(p).every((s) => validateSelector(s) === undefined));
  for (let i = 0; i < peers.length; i++) {
    for (let j = 0; j < i; j++) {
      if (!readable[i] || !readable[j]) continue;
      const p = peers[i]!;
      const q = peers[j]!;
      if (known && ![...sets[i]!].some((n) => sets[j]!.has(n))) continue;
      const ps = rec(p.spec);
      const qs = rec(q.spec);
      const by: Rejection = skipsWebhook(p, version) || skipsWebhook(q, version) ? 'runtime' : 'webhook';
      const subjects = (field: string) => [
        { obj: p, path: ['spec', field] as FieldPath },
        { obj: q, path: ['spec', field] as FieldPath },
      ];
      if (str(ps.routerID) !== str(qs.routerID)) {
        out.push({
          code: 'peer-frr-router-id',
          message: `peer ${str(ps.routerID)} has RouterID different from ${str(qs.routerID)}, in FRR mode peers selecting the same node must all have the same RouterID${assumed}`,
          subjects: [{ obj: p, path: ps.routerID !== undefined ? ['spec', 'routerID'] : ['spec'] }, { obj: q, path: qs.routerID !== undefined ? ['spec', 'routerID'] : ['spec'] }],
          rejectedBy: by,
        });
      }
      const idP = peerIdentifier(p);
      if (idP === peerIdentifier(q)) {
        const field = str(ps.peerAddress) !== '' ? 'peerAddress' : 'interface';
        out.push({
          code: 'peer-frr-duplicate',
          message: `peer ${idP} already exists, FRR mode doesn't support duplicate BGPPeers selecting the same node${assumed}`,
          subjects: subjects(field),
          rejectedBy: by,
        });
      }
      if (num(ps.myASN) !== num(qs.myASN) && str(ps.vrf) === str(qs.vrf)) {
        out.push({
          code: 'peer-frr-my-asn',
          message: `peer ${idP} has myAsn different from ${peerIdentifier(q)}, in FRR mode peers selecting the same node must have the same myAsn within the same VRF${assumed}`,
          subjects: subjects('myASN'),
          rejectedBy: by,
        });
      }
    }
  }
  return out;
}

export function parsePeersSection(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  const peers = input.peers;
  const out: ConfigError[] = [];
  // the mode filter runs before the parse
  if (ctx.backend === 'native') for (const p of peers) out.push(...nativeErrors(p, ctx.version));
  else out.push(...frrPairErrors(peers, input.nodes, ctx.version));
  for (const p of peers) out.push(...peerErrors(p, input, ctx));
  // peersFor's "peer X already exists" compares parsed peers including their names, which
  // distinct objects never share: it cannot fire on real objects (two same-name objects in the
  // input are object-duplicate's).
  return out;
}
