// `-o json`: the Report as cli.md's contract, keys in the contract's order, bigints made exact.
import type { Report } from '../report/types.js';
import type { RenderOptions } from './options.js';

/** Key order for one object shape; `fields` gives the shape of nested values (arrays: of their items). */
interface Shape {
  order?: readonly string[];
  fields?: Record<string, Shape>;
  /** a map keyed by data (e.g. kind names): keys sorted, so the order of input files does not show */
  sortKeys?: boolean;
}

const OBJECT_REF: Shape = { order: ['kind', 'namespace', 'name', 'file', 'line', 'column'] };
const V4_V6: Shape = { order: ['ipv4', 'ipv6'] };
const SERVICE: Shape = {
  order: ['namespace', 'name', 'ips', 'ports', 'pool', 'state', 'announcers', 'rules', 'alternatives'],
  fields: {
    announcers: { order: ['node', 'protocol', 'peers'] },
    alternatives: { order: ['pool', 'ips'] },
  },
};

// The order of cli.md's "JSON report" (and of the other commands' additions); keys it does not
// name keep their insertion order, after the named ones.
const REPORT: Shape = {
  order: [
    'tool', 'source', 'metallb', 'health', 'summary', 'checks', 'findings',
    'pools', 'services', 'nodes', 'crds', 'pods', 'advertisements', 'bgpPeers', 'configurationStates',
    'service', 'steps', 'events', 'probes', 'gaps', 'input', 'suppressed',
  ],
  fields: {
    tool: { order: ['name', 'version'] },
    source: { order: ['kind', 'context', 'path'] },
    metallb: { order: ['namespace', 'version', 'bgpBackend', 'bgpBackendAssumed', 'installedBy'] },
    health: { order: ['status', 'score'] },
    summary: { order: ['critical', 'error', 'warning', 'info'] },
    checks: { order: ['id', 'status', 'message'] },
    findings: {
      order: ['rule', 'severity', 'message', 'objects', 'evidence', 'fix', 'docs'],
      fields: { objects: OBJECT_REF },
    },
    pools: {
      order: ['name', 'addresses', 'capacity', 'used', 'advertisedBy'],
      fields: { capacity: V4_V6, used: V4_V6, advertisedBy: { order: ['l2', 'bgp'] } },
    },
    services: SERVICE,
    service: SERVICE,
    nodes: { order: ['name', 'speaker', 'announces', 'excludedBy'] },
    crds: { order: ['name', 'core', 'installed', 'versions'] },
    pods: { order: ['component', 'namespace', 'name', 'node', 'phase', 'ready', 'restarts', 'reason'] },
    advertisements: { order: ['kind', 'name', 'pools', 'nodes', 'interfaces', 'peers'] },
    bgpPeers: { order: ['name', 'address', 'port', 'myASN', 'peerASN', 'bfdProfile', 'nodes'] },
    configurationStates: { order: ['name', 'component', 'result', 'errors'] },
    steps: { order: ['title', 'status', 'evidence', 'confirm'] },
    events: {
      order: ['time', 'node', 'pod', 'container', 'component', 'kind', 'service', 'peer', 'message', 'file', 'line'],
    },
    probes: { order: ['kind', 'target', 'result', 'details'] },
    gaps: { order: ['what', 'why'] },
    input: { order: ['files', 'objects', 'skippedNotKubernetes', 'skippedKinds'], fields: { skippedKinds: { sortKeys: true } } },
  },
};

const TWO_POW_53 = 2n ** 53n;

/** cli.md: counts larger than 2^53 (IPv6 pools) are decimal strings; smaller ones stay numbers. */
function bigintValue(v: bigint): number | string {
  return v > TWO_POW_53 || v < -TWO_POW_53 ? v.toString() : Number(v);
}

// each order's keys by position: the report's objects (20,000 Services) are checked against it
const ranks = new WeakMap<readonly string[], Map<string, number>>();

/** Whether the keys already come in the contract's order: its keys first, in its order, then the others. */
function inOrder(keys: readonly string[], order: readonly string[]): boolean {
  let rank = ranks.get(order);
  if (!rank) ranks.set(order, (rank = new Map(order.map((k, i) => [k, i]))));
  let last = -1;
  let others = false;
  for (const k of keys) {
    const r = rank.get(k);
    if (r === undefined) others = true;
    else if (others || r < last) return false;
    else last = r;
  }
  return true;
}

/**
 * The value in the contract's key order, JSON-safe (bigints, Maps and Sets converted; undefined,
 * functions and symbols dropped). Copy on write: a plain object or array already in that form is
 * returned itself, so that the report's large lists (Services, nodes) are not copied to be printed.
 */
function normalize(value: unknown, shape: Shape | undefined): unknown {
  if (typeof value === 'bigint') return bigintValue(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const n = normalize(v === undefined ? null : v, shape);
      if (out) out.push(n);
      else if (n !== v) {
        out = value.slice(0, i);
        out.push(n);
      }
    }
    return out ?? value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Map) return normalize(Object.fromEntries(value), shape);
  if (value instanceof Set) return normalize([...value], shape);
  const src = value as Record<string, unknown>;
  if (typeof (src as { toJSON?: unknown }).toJSON === 'function') return normalize((src as { toJSON(): unknown }).toJSON(), shape);
  const keys = shape?.sortKeys ? Object.keys(src).sort() : Object.keys(src);
  const fields = shape?.fields;
  const order = shape?.order;
  // the keys to print, in order: the contract's first, in its order; then the others as they come
  let ordered = keys;
  if (order && !inOrder(keys, order)) {
    ordered = [];
    for (const k of order) if (keys.includes(k)) ordered.push(k);
    for (const k of keys) if (!order.includes(k)) ordered.push(k);
  }
  // a plain object whose keys are already in that order and whose values need nothing: itself
  // (the values are kept only once one differs: until then each is the object's own)
  const proto = Object.getPrototypeOf(src) as unknown;
  let values: unknown[] | undefined = (proto === Object.prototype || proto === null) && ordered === keys && !shape?.sortKeys ? undefined : new Array(ordered.length);
  for (let i = 0; i < ordered.length; i++) {
    const k = ordered[i]!;
    const v = src[k];
    // JSON.stringify drops undefined and functions; drop them here too so YAML matches JSON.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') {
      values ??= valuesUpTo(src, ordered, i);
      continue;
    }
    const n = normalize(v, fields?.[k]);
    if (values) values[i] = n;
    else if (n !== v) (values = valuesUpTo(src, ordered, i))[i] = n;
  }
  if (!values) return src;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < ordered.length; i++) if (values[i] !== undefined) out[ordered[i]!] = values[i];
  return out;
}

/** The object's values of the keys before `upTo` (all kept as they are), in a list of all the keys' length. */
function valuesUpTo(src: Record<string, unknown>, ordered: readonly string[], upTo: number): unknown[] {
  const l: unknown[] = new Array(ordered.length);
  for (let j = 0; j < upTo; j++) l[j] = src[ordered[j]!];
  return l;
}

/**
 * The report as a plain JSON-safe document in the contract's key order: what `-o json` prints
 * and `-o yaml` prints as YAML. Accepts the other commands' reports too (extra fields pass through).
 */
export function reportDocument(report: Report | Record<string, unknown>): Record<string, unknown> {
  return normalize(report, REPORT) as Record<string, unknown>;
}

export function renderJson(report: Report, _opts?: RenderOptions): string {
  return JSON.stringify(reportDocument(report), null, 2) + '\n';
}
