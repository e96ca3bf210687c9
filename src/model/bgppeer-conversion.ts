// BGPPeer conversion between v1beta1 and v1beta2 (the storage version), as MetalLB's conversion
// webhook does it (api/v1beta1/bgppeer_conversion.go), with the Go JSON round trip it implies:
// durations are re-printed by time.Duration.String() ("90s" -> "1m30s"), zero values of
// `omitempty` fields disappear, v1beta1's non-pointer timers always appear.

import { attachSource, sourceOf, type KubeObject } from '../sources/types.js';
import { METALLB_V1BETA1, METALLB_V1BETA2 } from './kinds.js';
import { formatGoDuration, parseGoDuration } from './schema/duration.js';

export interface ConversionProblem {
  path: (string | number)[];
  message: string;
}

export interface ConversionResult {
  object: KubeObject;
  /** v1beta2 fields that had a value and have no slot in v1beta1 (v1beta2 -> v1beta1 only) */
  dropped: string[];
  /** values the Go conversion could not decode (the webhook would fail on them) */
  problems: ConversionProblem[];
}

/** The v1beta2 fields v1beta1 cannot hold: reading or writing through v1beta1 loses them. */
export const V1BETA2_ONLY_FIELDS = [
  'passwordSecret',
  'vrf',
  'connectTime',
  'dynamicASN',
  'interface',
  'localASN',
  'enableGracefulRestart',
  'dualStackAddressFamily',
  'disableMP',
] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function copyMeta(obj: KubeObject): KubeObject['metadata'] {
  return isRecord(obj.metadata) ? { ...obj.metadata } : {};
}

/** Go's zero-value test for the scalar kinds a BGPPeer has. */
function isZero(v: unknown): boolean {
  return v === undefined || v === null || v === '' || v === 0 || v === false;
}

function setIfNonZero(dst: Record<string, unknown>, key: string, v: unknown): void {
  if (!isZero(v)) dst[key] = v;
}

/** metav1.Duration through Go: parse, then print with Duration.String(). Absent -> "0s". */
function roundTripDuration(v: unknown, path: (string | number)[], problems: ConversionProblem[]): string {
  if (v === undefined || v === null) return '0s';
  if (typeof v !== 'string') {
    problems.push({ path, message: `cannot convert ${path.join('.')}: not a duration string` });
    return '0s';
  }
  const d = parseGoDuration(v);
  if (!d.ok) {
    problems.push({ path, message: `cannot convert ${path.join('.')}: ${d.error}` });
    return '0s';
  }
  return formatGoDuration(d.ns);
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : String(x))) : [];
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' ? x : String(x);
  return out;
}

/** v1beta1 NodeSelector -> metav1.LabelSelector (parseNodeSelector in the conversion). */
function toLabelSelector(sel: unknown): Record<string, unknown> {
  const s = isRecord(sel) ? sel : {};
  const labels = stringMap(s.matchLabels);
  const exprs = Array.isArray(s.matchExpressions) ? s.matchExpressions : [];
  if (Object.keys(labels).length + exprs.length === 0) return {};
  const out: Record<string, unknown> = {};
  if (Object.keys(labels).length) out.matchLabels = labels;
  if (exprs.length) {
    out.matchExpressions = exprs.map((e) => {
      const r = isRecord(e) ? e : {};
      const req: Record<string, unknown> = { key: typeof r.key === 'string' ? r.key : '', operator: typeof r.operator === 'string' ? r.operator : '' };
      const vals = strings(r.values);
      if (vals.length) req.values = vals; // metav1 values are omitempty
      return req;
    });
  }
  return out;
}

/** metav1.LabelSelector -> v1beta1 NodeSelector (labelsToLegacySelector): values always present. */
function toLegacySelector(sel: unknown): Record<string, unknown> {
  const s = isRecord(sel) ? sel : {};
  const out: Record<string, unknown> = {};
  const labels = stringMap(s.matchLabels);
  if (Object.keys(labels).length) out.matchLabels = labels;
  const exprs = Array.isArray(s.matchExpressions) ? s.matchExpressions : [];
  if (exprs.length) {
    out.matchExpressions = exprs.map((e) => {
      const r = isRecord(e) ? e : {};
      return { key: typeof r.key === 'string' ? r.key : '', operator: typeof r.operator === 'string' ? r.operator : '', values: strings(r.values) };
    });
  }
  return out;
}

/**
 * v1beta1 -> v1beta2, as the API server stores a v1beta1 write: holdTime and keepaliveTime are
 * always set ("0s" when absent: timers 0, not the backend default); peerPort 0/absent stays
 * absent (reads then get the v1beta2 default 179); nodeSelectors become LabelSelectors.
 */
export function convertV1beta1ToV1beta2(obj: KubeObject): ConversionResult {
  const problems: ConversionProblem[] = [];
  const src = isRecord(obj.spec) ? obj.spec : {};
  const spec: Record<string, unknown> = {};
  spec.myASN = typeof src.myASN === 'number' ? src.myASN : 0; // not omitempty
  setIfNonZero(spec, 'peerASN', src.peerASN);
  setIfNonZero(spec, 'peerAddress', src.peerAddress);
  setIfNonZero(spec, 'sourceAddress', src.sourceAddress);
  setIfNonZero(spec, 'peerPort', src.peerPort);
  spec.holdTime = roundTripDuration(src.holdTime, ['spec', 'holdTime'], problems);
  spec.keepaliveTime = roundTripDuration(src.keepaliveTime, ['spec', 'keepaliveTime'], problems);
  setIfNonZero(spec, 'routerID', src.routerID);
  if (Array.isArray(src.nodeSelectors) && src.nodeSelectors.length) spec.nodeSelectors = src.nodeSelectors.map(toLabelSelector);
  setIfNonZero(spec, 'password', src.password);
  setIfNonZero(spec, 'bfdProfile', src.bfdProfile);
  setIfNonZero(spec, 'ebgpMultiHop', src.ebgpMultiHop);
  const out: KubeObject = { apiVersion: METALLB_V1BETA2, kind: 'BGPPeer', metadata: copyMeta(obj), spec };
  carrySource(obj, out);
  return { object: out, dropped: [], problems };
}

/**
 * v1beta2 -> v1beta1, as a client reading through v1beta1 sees the object (and what an update
 * sent back through v1beta1 would store): the v1beta2-only fields are dropped and listed.
 */
export function convertV1beta2ToV1beta1(obj: KubeObject): ConversionResult {
  const problems: ConversionProblem[] = [];
  const src = isRecord(obj.spec) ? obj.spec : {};
  const spec: Record<string, unknown> = {};
  spec.myASN = typeof src.myASN === 'number' ? src.myASN : 0;
  spec.peerASN = typeof src.peerASN === 'number' ? src.peerASN : 0; // required in v1beta1: not omitempty
  spec.peerAddress = typeof src.peerAddress === 'string' ? src.peerAddress : '';
  setIfNonZero(spec, 'sourceAddress', src.sourceAddress);
  setIfNonZero(spec, 'peerPort', src.peerPort);
  // non-pointer metav1.Duration: omitempty never omits a struct, so "0s" shows up
  spec.holdTime = roundTripDuration(src.holdTime, ['spec', 'holdTime'], problems);
  spec.keepaliveTime = roundTripDuration(src.keepaliveTime, ['spec', 'keepaliveTime'], problems);
  setIfNonZero(spec, 'routerID', src.routerID);
  if (Array.isArray(src.nodeSelectors) && src.nodeSelectors.length) spec.nodeSelectors = src.nodeSelectors.map(toLegacySelector);
  setIfNonZero(spec, 'password', src.password);
  setIfNonZero(spec, 'bfdProfile', src.bfdProfile);
  setIfNonZero(spec, 'ebgpMultiHop', src.ebgpMultiHop);
  const dropped: string[] = [];
  for (const f of V1BETA2_ONLY_FIELDS) {
    const v = src[f];
    if (f === 'passwordSecret') {
      if (isRecord(v) && (!isZero(v.name) || !isZero(v.namespace))) dropped.push(f);
    } else if (!isZero(v)) dropped.push(f);
  }
  const out: KubeObject = { apiVersion: METALLB_V1BETA1, kind: 'BGPPeer', metadata: copyMeta(obj), spec };
  carrySource(obj, out);
  return { object: out, dropped, problems };
}

/** Both versions name their fields alike, so the source positions carry over unchanged. */
function carrySource(from: KubeObject, to: KubeObject): void {
  const s = sourceOf(from);
  if (s) attachSource(to, s);
}

/**
 * The v1beta2 view of a BGPPeer of either version (model code works on v1beta2). A v1beta2
 * object is returned as is; a v1beta1 object is converted (keeping its source positions).
 */
export function normalizeBGPPeer(obj: KubeObject): KubeObject {
  if (obj.apiVersion === METALLB_V1BETA1) return convertV1beta1ToV1beta2(obj).object;
  return obj;
}
