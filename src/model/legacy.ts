// The legacy (MetalLB <= 0.12) ConfigMap configuration, turned into the CRs MetalLB's own
// converter (configmaptocrs) would produce, so every rule also runs on a legacy installation.
// Derived objects carry an ObjectSource whose positions point into the ConfigMap's file.
//
// Decoding follows configmaptocrs (sigs.k8s.io/yaml -> encoding/json): keys match
// case-insensitively, unknown keys are ignored, a wrongly typed value fails the conversion.
// Legacy MetalLB itself (yaml.v2 UnmarshalStrict) also refused unknown keys: reported as problems.

import {
  attachSource,
  packPos,
  pathKey,
  sourceOf,
  unpackPos,
  type FieldPath,
  type KubeObject,
  type ObjectSource,
  type Position,
} from '../sources/types.js';
import { METALLB_V1BETA1, METALLB_V1BETA2 } from './kinds.js';
import { formatGoDuration, parseGoDuration, truncateToSeconds, NANOS_PER_SECOND } from './schema/duration.js';
import { suggestField } from './schema/dsl.js';

export interface LegacyParsed {
  /** the parsed YAML of data.config */
  value: unknown;
  /** pathKey(legacy path) -> packed position in `file` (as ObjectSource.fields) */
  fields: ReadonlyMap<string, number>;
  file: string;
  /** the source text of plain (unquoted) scalars, by pathKey: what Go's YAML decoders read */
  raw?: ReadonlyMap<string, string>;
}

export type LegacyProblemKind =
  /** legacy MetalLB (<= 0.12) refuses the whole configuration; the conversion goes on */
  | 'legacy-invalid'
  /** configmaptocrs (and in general legacy MetalLB too) fails on it; the value is skipped here */
  | 'conversion-failed'
  /** configmaptocrs renames an object to a Kubernetes-compatible name */
  | 'renamed'
  /** a value Go's decoders read otherwise than it looks (an integer with a leading 0 is octal) */
  | 'reinterpreted';

export interface LegacyProblem {
  /** path inside the embedded configuration, e.g. ['address-pools', 0, 'protocol'] */
  path: FieldPath;
  message: string;
  kind: LegacyProblemKind;
  /** where it is in the ConfigMap's file, when known */
  position?: Position;
}

export interface LegacyConversion {
  objects: KubeObject[];
  problems: LegacyProblem[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TOP_KEYS = ['peers', 'bgp-communities', 'address-pools', 'bfd-profiles'];

/**
 * A ConfigMap holding a legacy MetalLB configuration: `data.config` whose YAML has one of the
 * top-level keys of MetalLB's configFile (address-pools, peers, bgp-communities, bfd-profiles), or
 * JSON (which is YAML too) whose keys are all of them. (MetalLB reads the one named by --config,
 * default `config`, in its namespace; any name is accepted here so a renamed one is still found.)
 */
export function isLegacyConfigMap(obj: unknown): boolean {
  if (!isRecord(obj) || obj.kind !== 'ConfigMap' || obj.apiVersion !== 'v1') return false;
  const data = obj.data;
  if (!isRecord(data) || typeof data.config !== 'string') return false;
  return isLegacyConfigText(data.config);
}

/** The text of a legacy configuration (data.config, or configmaptocrs -only-data's file). */
export function isLegacyConfigText(text: string): boolean {
  if (/^(address-pools|peers|bgp-communities|bfd-profiles)[ \t]*:/m.test(text)) return true;
  if (!/^\s*\{/.test(text)) return false;
  try {
    const v = JSON.parse(text) as unknown;
    // only MetalLB's keys: a JSON configuration of another program is not taken for MetalLB's
    return isRecord(v) && Object.keys(v).length > 0 && Object.keys(v).every((k) => TOP_KEYS.includes(k));
  } catch {
    return false;
  }
}

// configmaptocrs convertNamesToK8S: names matching this are kept as they are.
const K8S_NAME = /^[a-z][-a-z0-9]{0,61}[a-z0-9]{1}$/;

/** configmaptocrs formatToK8S: truncate to 63, lowercase, '_' -> '-', drop leading non-letters. */
export function sanitizeLegacyName(name: string): { name: string } | { error: string } {
  if (K8S_NAME.test(name)) return { name };
  const truncated = Buffer.from(name, 'utf8').subarray(0, 63).toString('utf8');
  const s = truncated.toLowerCase().replaceAll('_', '-');
  const first = s.search(/[a-z]/);
  if (first < 0) return { error: `no letter in ${JSON.stringify(name)}` };
  return { name: s.slice(first) };
}

function fmtLegacyPath(path: FieldPath): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

const UINT_RANGE = { uint16: 65535, uint32: 4294967295 } as const;

/** Field access and typed decoding over the parsed legacy value, recording problems. */
class Reader {
  readonly problems: LegacyProblem[] = [];
  constructor(private readonly parsed: LegacyParsed) {}

  positionOf(path: FieldPath): Position | undefined {
    for (let n = path.length; n > 0; n--) {
      const p = this.parsed.fields.get(pathKey(path.slice(0, n)));
      if (p !== undefined) return { file: this.parsed.file, ...unpackPos(p) };
    }
    return undefined;
  }

  problem(path: FieldPath, kind: LegacyProblemKind, message: string): void {
    this.problems.push({ path: [...path], kind, message, position: this.positionOf(path) });
  }

  /** encoding/json's field matching: the exact key first, else a case-insensitive one. */
  key(o: Record<string, unknown>, name: string): string | undefined {
    if (Object.prototype.hasOwnProperty.call(o, name)) return name;
    const lower = name.toLowerCase();
    return Object.keys(o).find((k) => k.toLowerCase() === lower);
  }

  /** yaml.v2 UnmarshalStrict: every key must be exactly a known field of `goType`. */
  strict(o: Record<string, unknown>, known: string[], goType: string, path: FieldPath): void {
    for (const k of Object.keys(o)) {
      if (known.includes(k)) continue;
      const hint = suggestField(k, known);
      this.problem(
        [...path, k],
        'legacy-invalid',
        `field ${k} not found in type ${goType}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}: legacy MetalLB refuses the whole configuration${
          hint && hint.toLowerCase() === k.toLowerCase() ? '' : '; configmaptocrs ignores it'
        }`,
      );
    }
  }

  /** The value of field `name` (null counts as absent, as in Go) and its path. */
  get(o: Record<string, unknown>, name: string, path: FieldPath): { v: unknown; path: FieldPath } | undefined {
    const k = this.key(o, name);
    if (k === undefined) return undefined;
    const v = o[k];
    if (v === null || v === undefined) return undefined;
    return { v, path: [...path, k] };
  }

  typeError(path: FieldPath, v: unknown, want: string): void {
    const got = Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'object' ? 'object' : typeof v;
    // a password's value is never printed
    const shown = path.some((p) => typeof p === 'string' && /password/i.test(p)) ? '' : (JSON.stringify(v) ?? '');
    this.problem(path, 'conversion-failed', `${fmtLegacyPath(path)}: cannot unmarshal ${got} ${shown} into ${want}`.replace(/ +into/, ' into'));
  }

  /**
   * A string field's value: a plain number or boolean is its text as written, as yaml.v2 (legacy
   * MetalLB) and sigs.k8s.io/yaml (configmaptocrs) both decode it; undefined for a mapping or list.
   */
  text(v: unknown, path: FieldPath): string | undefined {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return this.parsed.raw?.get(pathKey(path)) ?? String(v);
    return undefined;
  }

  string(o: Record<string, unknown>, name: string, path: FieldPath): { v: string; path: FieldPath } | undefined {
    const f = this.get(o, name, path);
    if (!f) return undefined;
    const v = this.text(f.v, f.path);
    if (v === undefined) {
      this.typeError(f.path, f.v, 'string');
      return undefined;
    }
    return { v, path: f.path };
  }

  bool(o: Record<string, unknown>, name: string, path: FieldPath): { v: boolean; path: FieldPath } | undefined {
    const f = this.get(o, name, path);
    if (!f) return undefined;
    if (typeof f.v !== 'boolean') {
      this.typeError(f.path, f.v, 'bool');
      return undefined;
    }
    return { v: f.v, path: f.path };
  }

  /**
   * A number as yaml.v2 resolves a plain scalar: underscores dropped, then strconv.ParseInt with
   * base 0 (0x hex, 0o or a leading 0 octal, 0b binary), so 065001 is 27137. Undefined when the
   * text is no such integer (the value as YAML 1.2 read it stands then).
   */
  goInt(v: unknown, path: FieldPath): unknown {
    const raw = this.parsed.raw?.get(pathKey(path));
    if (raw === undefined) return v;
    const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]+|[0-9]+)$/.exec(raw.replaceAll('_', ''));
    if (!m) return v;
    const digits = m[2]!;
    const n = /^0[0-7]+$/.test(digits) ? Number.parseInt(digits.slice(1), 8) : /^0[oO]/.test(digits) ? Number.parseInt(digits.slice(2), 8) : Number(digits);
    const out = m[1] === '-' ? -n : n;
    if (/^0[0-7]+$/.test(digits) && out !== Number(raw.replaceAll('_', ''))) {
      this.problem(path, 'reinterpreted', `${fmtLegacyPath(path)}: ${raw} has a leading 0, so legacy MetalLB and configmaptocrs read it as an octal number: ${out}`);
    }
    return out;
  }

  uint(o: Record<string, unknown>, name: string, path: FieldPath, type: 'uint16' | 'uint32'): { v: number; path: FieldPath } | undefined {
    const f = this.get(o, name, path);
    if (!f) return undefined;
    const g = this.goInt(f.v, f.path);
    const n = typeof g === 'bigint' ? Number(g) : g;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > UINT_RANGE[type]) {
      this.typeError(f.path, f.v, type);
      return undefined;
    }
    return { v: n, path: f.path };
  }

  int32(o: Record<string, unknown>, name: string, path: FieldPath): { v: number; path: FieldPath } | undefined {
    const f = this.get(o, name, path);
    if (!f) return undefined;
    const g = this.goInt(f.v, f.path);
    const n = typeof g === 'bigint' ? Number(g) : g;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < -2147483648 || n > 2147483647) {
      this.typeError(f.path, f.v, 'int32');
      return undefined;
    }
    return { v: n, path: f.path };
  }

  /** A list field: the items that are objects of the expected shape, with their paths. */
  list(o: Record<string, unknown>, name: string, path: FieldPath, want: string): { v: unknown; path: FieldPath }[] {
    const f = this.get(o, name, path);
    if (!f) return [];
    if (!Array.isArray(f.v)) {
      this.typeError(f.path, f.v, want);
      return [];
    }
    return f.v.map((v, i) => ({ v, path: [...f.path, i] }));
  }

  strings(o: Record<string, unknown>, name: string, path: FieldPath): { v: string; path: FieldPath }[] | undefined {
    const items = this.get(o, name, path);
    if (!items) return undefined;
    if (!Array.isArray(items.v)) {
      this.typeError(items.path, items.v, '[]string');
      return undefined;
    }
    const out: { v: string; path: FieldPath }[] = [];
    items.v.forEach((v, i) => {
      const path = [...items.path, i];
      const t = v === null ? '' : this.text(v, path);
      if (t === undefined) this.typeError(path, v, 'string');
      else out.push({ v: t, path });
    });
    return out;
  }

  stringMap(o: Record<string, unknown>, name: string, path: FieldPath): { key: string; v: string; path: FieldPath }[] | undefined {
    const f = this.get(o, name, path);
    if (!f) return undefined;
    if (!isRecord(f.v)) {
      this.typeError(f.path, f.v, 'map[string]string');
      return undefined;
    }
    const out: { key: string; v: string; path: FieldPath }[] = [];
    for (const [k, v] of Object.entries(f.v)) {
      const path = [...f.path, k];
      const t = v === null ? '' : this.text(v, path);
      if (t === undefined) this.typeError(path, v, 'string');
      else out.push({ key: k, v: t, path });
    }
    return out;
  }

  object(item: { v: unknown; path: FieldPath }, want: string): Record<string, unknown> | undefined {
    if (item.v === null) return {};
    if (!isRecord(item.v)) {
      this.typeError(item.path, item.v, want);
      return undefined;
    }
    return item.v;
  }
}

/** Builds one derived object's field-position map from legacy paths. */
class FieldMap {
  readonly fields = new Map<string, number>();
  constructor(private readonly legacy: ReadonlyMap<string, number>) {}
  /** the CR field at `crPath` comes from the legacy field at `legacyPath` */
  map(crPath: FieldPath, legacyPath: FieldPath | undefined): void {
    if (!legacyPath) return;
    const p = this.legacy.get(pathKey(legacyPath));
    if (p !== undefined) this.fields.set(pathKey(crPath), p);
  }
  set(crPath: FieldPath, pos: number | undefined): void {
    if (pos !== undefined) this.fields.set(pathKey(crPath), pos);
  }
}

const PEER_KEYS = [
  'my-asn',
  'peer-asn',
  'peer-address',
  'source-address',
  'peer-port',
  'hold-time',
  'keepalive-time',
  'router-id',
  'node-selectors',
  'password',
  'bfd-profile',
  'ebgp-multihop',
];
const POOL_KEYS = ['protocol', 'name', 'addresses', 'avoid-buggy-ips', 'auto-assign', 'bgp-advertisements'];
const BGPADV_KEYS = ['aggregation-length', 'aggregation-length-v6', 'localpref', 'communities'];
const BFD_KEYS = ['name', 'receive-interval', 'transmit-interval', 'detect-multiplier', 'echo-interval', 'echo-mode', 'passive-mode', 'minimum-ttl'];

/**
 * Convert a legacy configuration into the CRs configmaptocrs would write (BGPPeer v1beta2
 * `peer1`.., IPAddressPools, BGPAdvertisements `bgpadvertisementN`, L2Advertisements
 * `l2advertisementN`, BFDProfiles, one Community `communities`), in its output order, in the
 * ConfigMap's namespace. Never throws; what cannot be decoded is skipped and reported.
 */
export function convertLegacyConfig(configMap: KubeObject, parsed: LegacyParsed): LegacyConversion {
  const r = new Reader(parsed);
  const objects: KubeObject[] = [];
  try {
    convert(configMap, parsed, r, objects);
  } catch (e) {
    // defensive only: a bug here must not take the whole run down
    r.problem([], 'conversion-failed', `internal error converting the legacy configuration: ${(e as Error).message}`);
  }
  return { objects, problems: r.problems };
}

function convert(configMap: KubeObject, parsed: LegacyParsed, r: Reader, objects: KubeObject[]): void {
  const meta = isRecord(configMap.metadata) ? configMap.metadata : {};
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'metallb-system';
  const cmName = typeof meta.name === 'string' ? meta.name : 'config';
  const cmSource = sourceOf(configMap);
  const nsPos = cmSource?.fields.get(pathKey(['metadata', 'namespace']));
  const configPos = cmSource?.fields.get(pathKey(['data', 'config']));
  const fallbackPos = configPos ?? (cmSource ? packPos(cmSource.line, cmSource.column) : packPos(1, 1));

  const cfg = parsed.value;
  if (cfg === null || cfg === undefined) return;
  if (!isRecord(cfg)) {
    r.typeError([], cfg, 'the configuration (a mapping)');
    return;
  }
  r.strict(cfg, TOP_KEYS, 'config.configFile', []);

  const make = (apiVersion: string, kind: string, name: string, at: FieldPath, fm: FieldMap, spec: Record<string, unknown>): KubeObject => {
    const obj: KubeObject = { apiVersion, kind, metadata: { name, namespace }, spec };
    fm.set(['metadata', 'namespace'], nsPos);
    let pos = parsed.fields.get(pathKey(at));
    for (let n = at.length - 1; pos === undefined && n > 0; n--) pos = parsed.fields.get(pathKey(at.slice(0, n)));
    const { line, column } = unpackPos(pos ?? fallbackPos);
    const src: ObjectSource = {
      file: pos !== undefined ? parsed.file : (cmSource?.file ?? parsed.file),
      line,
      column,
      docIndex: cmSource?.docIndex ?? 0,
      fields: fm.fields,
      derivedFrom: { kind: 'ConfigMap', namespace: typeof meta.namespace === 'string' ? meta.namespace : undefined, name: cmName },
    };
    if (cmSource?.listIndex !== undefined) src.listIndex = cmSource.listIndex;
    return attachSource(obj, src);
  };

  // --- names first (convertNamesToK8S): pools, BFD profiles, peers' bfd-profile references
  const rename = (name: string, kind: string, path: FieldPath): string | undefined => {
    const s = sanitizeLegacyName(name);
    if ('error' in s) {
      r.problem(path, 'conversion-failed', `failed to make ${kind} K8S compatible: ${name} (configmaptocrs stops here)`);
      return undefined;
    }
    if (s.name !== name) r.problem(path, 'renamed', `${kind} name ${JSON.stringify(name)} becomes ${JSON.stringify(s.name)} in the converted resources`);
    return s.name;
  };

  // --- peers -> BGPPeer v1beta2 peer1..
  const peers = r.list(cfg, 'peers', [], '[]config.peer');
  peers.forEach((item, i) => {
    const p = r.object(item, 'config.peer');
    if (!p) return;
    r.strict(p, PEER_KEYS, 'config.peer', item.path);
    const fm = new FieldMap(parsed.fields);
    const spec: Record<string, unknown> = {};
    const myASN = r.uint(p, 'my-asn', item.path, 'uint32');
    spec.myASN = myASN?.v ?? 0;
    fm.map(['spec', 'myASN'], myASN?.path);
    const setU = (legacy: string, cr: string, type: 'uint16' | 'uint32') => {
      const f = r.uint(p, legacy, item.path, type);
      if (f && f.v !== 0) {
        spec[cr] = f.v;
        fm.map(['spec', cr], f.path);
      }
    };
    const setS = (legacy: string, cr: string) => {
      const f = r.string(p, legacy, item.path);
      if (f && f.v !== '') {
        spec[cr] = f.v;
        fm.map(['spec', cr], f.path);
      }
    };
    setU('peer-asn', 'peerASN', 'uint32');
    setS('peer-address', 'peerAddress');
    setS('source-address', 'sourceAddress');
    setU('peer-port', 'peerPort', 'uint16');
    // holdTime: always set, 90s when absent, truncated to whole seconds
    const ht = r.string(p, 'hold-time', item.path);
    let hold = 90n * NANOS_PER_SECOND;
    if (ht) {
      const d = parseGoDuration(ht.v);
      if (!d.ok) r.problem(ht.path, 'conversion-failed', `invalid hold time ${JSON.stringify(ht.v)}: ${d.error}`);
      else {
        hold = truncateToSeconds(d.ns);
        if (hold !== 0n && hold < 3n * NANOS_PER_SECOND) r.problem(ht.path, 'conversion-failed', `invalid hold time ${JSON.stringify(ht.v)}: must be 0 or >=3s`);
      }
      fm.map(['spec', 'holdTime'], ht.path);
    }
    spec.holdTime = formatGoDuration(hold);
    const ka = r.string(p, 'keepalive-time', item.path);
    if (ka && ka.v !== '') {
      const d = parseGoDuration(ka.v);
      if (!d.ok) r.problem(ka.path, 'conversion-failed', `invalid keepalive time ${JSON.stringify(ka.v)}: ${d.error}`);
      else {
        spec.keepaliveTime = formatGoDuration(truncateToSeconds(d.ns));
        fm.map(['spec', 'keepaliveTime'], ka.path);
      }
    }
    setS('router-id', 'routerID');
    const sels = r.list(p, 'node-selectors', item.path, '[]config.nodeSelector');
    const nodeSelectors: Record<string, unknown>[] = [];
    for (const s of sels) {
      const so = r.object(s, 'config.nodeSelector');
      if (!so) continue;
      r.strict(so, ['match-labels', 'match-expressions'], 'config.nodeSelector', s.path);
      const crSel = ['spec', 'nodeSelectors', nodeSelectors.length];
      fm.map(crSel, s.path);
      const out: Record<string, unknown> = {};
      const ml = r.stringMap(so, 'match-labels', s.path);
      if (ml && ml.length) {
        out.matchLabels = Object.fromEntries(ml.map((e) => [e.key, e.v]));
        for (const e of ml) fm.map([...crSel, 'matchLabels', e.key], e.path);
        fm.map([...crSel, 'matchLabels'], ml[0]!.path.slice(0, -1));
      }
      const exprs: Record<string, unknown>[] = [];
      for (const ex of r.list(so, 'match-expressions', s.path, '[]config.selectorRequirements')) {
        const eo = r.object(ex, 'config.selectorRequirements');
        if (!eo) continue;
        r.strict(eo, ['key', 'operator', 'values'], 'config.selectorRequirements', ex.path);
        const crEx = [...crSel, 'matchExpressions', exprs.length];
        fm.map(crEx, ex.path);
        const req: Record<string, unknown> = {};
        const key = r.string(eo, 'key', ex.path);
        req.key = key?.v ?? '';
        fm.map([...crEx, 'key'], key?.path);
        const op = r.string(eo, 'operator', ex.path);
        req.operator = op?.v ?? '';
        fm.map([...crEx, 'operator'], op?.path);
        const vals = r.strings(eo, 'values', ex.path);
        if (vals && vals.length) {
          req.values = vals.map((x) => x.v);
          vals.forEach((x, j) => fm.map([...crEx, 'values', j], x.path));
          fm.map([...crEx, 'values'], vals[0]!.path.slice(0, -1));
        }
        exprs.push(req);
      }
      if (exprs.length) out.matchExpressions = exprs;
      nodeSelectors.push(out);
    }
    if (nodeSelectors.length) {
      spec.nodeSelectors = nodeSelectors;
      fm.map(['spec', 'nodeSelectors'], sels[0]!.path.slice(0, -1));
    }
    setS('password', 'password');
    const bfd = r.string(p, 'bfd-profile', item.path);
    if (bfd && bfd.v !== '') {
      const n = rename(bfd.v, 'BFDProfile', bfd.path);
      if (n !== undefined) {
        spec.bfdProfile = n;
        fm.map(['spec', 'bfdProfile'], bfd.path);
      }
    }
    const mh = r.bool(p, 'ebgp-multihop', item.path);
    if (mh?.v) {
      spec.ebgpMultiHop = true;
      fm.map(['spec', 'ebgpMultiHop'], mh.path);
    }
    fm.map(['spec'], item.path);
    fm.map(['metadata', 'name'], item.path);
    objects.push(make(METALLB_V1BETA2, 'BGPPeer', `peer${i + 1}`, item.path, fm, spec));
  });

  // --- pools -> IPAddressPool; remember what the advertisements need
  interface PoolInfo {
    name: string;
    namePath?: FieldPath;
    path: FieldPath;
    protocol?: string;
    protocolPath?: FieldPath;
    ads: { v: unknown; path: FieldPath }[];
  }
  const pools: PoolInfo[] = [];
  const poolNames = new Set<string>();
  for (const item of r.list(cfg, 'address-pools', [], '[]config.addressPool')) {
    const p = r.object(item, 'config.addressPool');
    if (!p) continue;
    r.strict(p, POOL_KEYS, 'config.addressPool', item.path);
    const nameF = r.string(p, 'name', item.path);
    // v0.12.1 config.go: the whole configuration fails; configmaptocrs writes both, the later wins on apply
    if (nameF && poolNames.has(nameF.v)) r.problem(nameF.path, 'legacy-invalid', `duplicate definition of pool ${JSON.stringify(nameF.v)}: legacy MetalLB refuses the whole configuration`);
    if (nameF) poolNames.add(nameF.v);
    const name = rename(nameF?.v ?? '', 'IpAddressPool', nameF?.path ?? item.path);
    const fm = new FieldMap(parsed.fields);
    const spec: Record<string, unknown> = {};
    const addrs = r.strings(p, 'addresses', item.path);
    spec.addresses = (addrs ?? []).map((a) => a.v);
    addrs?.forEach((a, j) => fm.map(['spec', 'addresses', j], a.path));
    if (addrs && addrs.length) fm.map(['spec', 'addresses'], addrs[0]!.path.slice(0, -1));
    const auto = r.bool(p, 'auto-assign', item.path);
    if (auto) {
      spec.autoAssign = auto.v;
      fm.map(['spec', 'autoAssign'], auto.path);
    }
    const buggy = r.bool(p, 'avoid-buggy-ips', item.path);
    if (buggy?.v) {
      spec.avoidBuggyIPs = true;
      fm.map(['spec', 'avoidBuggyIPs'], buggy.path);
    }
    const proto = r.string(p, 'protocol', item.path);
    const ads = r.list(p, 'bgp-advertisements', item.path, '[]config.bgpAdvertisement');
    if (!proto || proto.v === '') {
      r.problem(item.path, 'legacy-invalid', `address pool ${JSON.stringify(nameF?.v ?? '')} is missing the protocol field: legacy MetalLB refuses the whole configuration; configmaptocrs creates no advertisement for it`);
    } else if (proto.v !== 'bgp' && proto.v !== 'layer2') {
      r.problem(proto.path, 'legacy-invalid', `unknown protocol ${JSON.stringify(proto.v)} (only "bgp" and "layer2"): legacy MetalLB refuses the whole configuration; configmaptocrs creates no advertisement for this pool`);
    } else if (proto.v === 'layer2' && ads.length > 0) {
      r.problem(ads[0]!.path.slice(0, -1), 'legacy-invalid', 'cannot have bgp-advertisements configuration element in a layer2 address pool: legacy MetalLB refuses the whole configuration; configmaptocrs still converts them to BGPAdvertisements');
    }
    if (name === undefined) continue;
    fm.map(['metadata', 'name'], nameF?.path);
    fm.map(['spec'], item.path);
    objects.push(make(METALLB_V1BETA1, 'IPAddressPool', name, item.path, fm, spec));
    pools.push({ name, namePath: nameF?.path, path: item.path, protocol: proto?.v, protocolPath: proto?.path, ads });
  }

  // --- BGPAdvertisements: one per bgp-advertisements entry (any protocol), one empty per bare bgp pool
  let adIndex = 1;
  for (const pool of pools) {
    for (const ad of pool.ads) {
      const a = r.object(ad, 'config.bgpAdvertisement');
      if (!a) continue;
      r.strict(a, BGPADV_KEYS, 'config.bgpAdvertisement', ad.path);
      const fm = new FieldMap(parsed.fields);
      const spec: Record<string, unknown> = {};
      const al = r.int32(a, 'aggregation-length', ad.path);
      if (al) {
        spec.aggregationLength = al.v;
        fm.map(['spec', 'aggregationLength'], al.path);
      }
      const al6 = r.int32(a, 'aggregation-length-v6', ad.path);
      if (al6) {
        spec.aggregationLengthV6 = al6.v;
        fm.map(['spec', 'aggregationLengthV6'], al6.path);
      }
      const lp = r.uint(a, 'localpref', ad.path, 'uint32');
      if (lp && lp.v !== 0) {
        spec.localPref = lp.v;
        fm.map(['spec', 'localPref'], lp.path);
      }
      const comms = r.strings(a, 'communities', ad.path);
      if (comms && comms.length) {
        spec.communities = comms.map((c) => c.v);
        comms.forEach((c, j) => fm.map(['spec', 'communities', j], c.path));
        fm.map(['spec', 'communities'], comms[0]!.path.slice(0, -1));
      }
      spec.ipAddressPools = [pool.name];
      fm.map(['spec', 'ipAddressPools', 0], pool.namePath);
      fm.map(['spec', 'ipAddressPools'], pool.namePath);
      fm.map(['spec'], ad.path);
      objects.push(make(METALLB_V1BETA1, 'BGPAdvertisement', `bgpadvertisement${adIndex++}`, ad.path, fm, spec));
    }
    if (pool.ads.length === 0 && pool.protocol === 'bgp') {
      const fm = new FieldMap(parsed.fields);
      fm.map(['spec', 'ipAddressPools', 0], pool.namePath);
      fm.map(['spec', 'ipAddressPools'], pool.namePath);
      fm.map(['spec'], pool.protocolPath);
      objects.push(make(METALLB_V1BETA1, 'BGPAdvertisement', `bgpadvertisement${adIndex++}`, pool.protocolPath ?? pool.path, fm, { ipAddressPools: [pool.name] }));
    }
  }

  // --- L2Advertisements: one per layer2 pool (exactly "layer2": "l2" yields none)
  let l2Index = 1;
  for (const pool of pools) {
    if (pool.protocol !== 'layer2') continue;
    const fm = new FieldMap(parsed.fields);
    fm.map(['spec', 'ipAddressPools', 0], pool.namePath);
    fm.map(['spec', 'ipAddressPools'], pool.namePath);
    fm.map(['spec'], pool.protocolPath);
    objects.push(make(METALLB_V1BETA1, 'L2Advertisement', `l2advertisement${l2Index++}`, pool.protocolPath ?? pool.path, fm, { ipAddressPools: [pool.name] }));
  }

  // --- BFD profiles (echoMode and passiveMode always written)
  const bfdNames = new Set<string>();
  for (const item of r.list(cfg, 'bfd-profiles', [], '[]config.bfdProfile')) {
    const b = r.object(item, 'config.bfdProfile');
    if (!b) continue;
    r.strict(b, BFD_KEYS, 'config.bfdProfile', item.path);
    const nameF = r.string(b, 'name', item.path);
    if (nameF && bfdNames.has(nameF.v)) r.problem(nameF.path, 'legacy-invalid', `found duplicate bfd profile name ${nameF.v}: legacy MetalLB refuses the whole configuration`);
    if (nameF) bfdNames.add(nameF.v);
    const name = rename(nameF?.v ?? '', 'BFDProfile', nameF?.path ?? item.path);
    const fm = new FieldMap(parsed.fields);
    const spec: Record<string, unknown> = {};
    const u = (legacy: string, cr: string) => {
      const f = r.uint(b, legacy, item.path, 'uint32');
      if (f) {
        spec[cr] = f.v;
        fm.map(['spec', cr], f.path);
      }
    };
    u('receive-interval', 'receiveInterval');
    u('transmit-interval', 'transmitInterval');
    u('detect-multiplier', 'detectMultiplier');
    u('echo-interval', 'echoInterval');
    const echo = r.bool(b, 'echo-mode', item.path);
    spec.echoMode = echo?.v ?? false;
    fm.map(['spec', 'echoMode'], echo?.path);
    const passive = r.bool(b, 'passive-mode', item.path);
    spec.passiveMode = passive?.v ?? false;
    fm.map(['spec', 'passiveMode'], passive?.path);
    u('minimum-ttl', 'minimumTtl');
    if (name === undefined) continue;
    fm.map(['metadata', 'name'], nameF?.path);
    fm.map(['spec'], item.path);
    objects.push(make(METALLB_V1BETA1, 'BFDProfile', name, item.path, fm, spec));
  }

  // --- bgp-communities -> one Community "communities", aliases sorted by name
  const comms = r.stringMap(cfg, 'bgp-communities', []);
  if (comms && comms.length) {
    const sorted = [...comms].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const fm = new FieldMap(parsed.fields);
    sorted.forEach((c, j) => {
      fm.map(['spec', 'communities', j], c.path);
      fm.map(['spec', 'communities', j, 'name'], c.path);
      fm.map(['spec', 'communities', j, 'value'], c.path);
    });
    const at = comms[0]!.path.slice(0, -1);
    fm.map(['spec', 'communities'], at);
    fm.map(['spec'], at);
    objects.push(
      make(METALLB_V1BETA1, 'Community', 'communities', at, fm, { communities: sorted.map((c) => ({ name: c.key, value: c.v })) }),
    );
  }
}

