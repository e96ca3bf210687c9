// Whether a DaemonSet runs a pod on a Node, as the Kubernetes DaemonSet controller decides it
// (pkg/controller/daemon: predicates over NewPod): the template's nodeName, its nodeSelector and
// required node affinity, and its tolerations plus those the controller adds to every daemon pod,
// against the Node's NoSchedule/NoExecute taints. Re-implemented from k8s.io/api core/v1
// Toleration.ToleratesTaint and k8s.io/component-helpers nodeaffinity.
import type { KubeObject } from '../sources/types.js';
import { asArray, asRecord } from '../state/cluster-state.js';

export interface Taint {
  key: string;
  value: string;
  effect: string;
}

export interface Toleration {
  key: string;
  operator: string;
  value: string;
  effect: string;
}

const s = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export function taintsOf(node: KubeObject): Taint[] {
  return asArray(asRecord(node.spec).taints).map((t) => {
    const r = asRecord(t);
    return { key: s(r.key), value: s(r.value), effect: s(r.effect) };
  });
}

export function tolerationOf(raw: unknown): Toleration {
  const r = asRecord(raw);
  return { key: s(r.key), operator: s(r.operator), value: s(r.value), effect: s(r.effect) };
}

const INT64 = /^[+-]?\d+$/;

/**
 * Toleration.ToleratesTaint: an empty effect matches every effect, an empty key every key (with
 * Exists); operator Exists matches any value, Equal (or empty) the same value; Lt/Gt (alpha,
 * TaintTolerationComparisonOperators) compare the taint's value with the toleration's as integers.
 */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect !== '' && t.effect !== taint.effect) return false;
  if (t.key !== '' && t.key !== taint.key) return false;
  switch (t.operator) {
    case '':
    case 'Equal':
      return t.value === taint.value;
    case 'Exists':
      return true;
    case 'Lt':
    case 'Gt': {
      if (!INT64.test(t.value) || !INT64.test(taint.value)) return false;
      const tol = BigInt(t.value);
      const val = BigInt(taint.value);
      return t.operator === 'Lt' ? val < tol : val > tol;
    }
    default:
      return false;
  }
}

/** AddOrUpdateDaemonPodTolerations: what the DaemonSet controller adds to every daemon pod. */
export function daemonPodTolerations(podSpec: Record<string, unknown>): Toleration[] {
  const own = asArray(podSpec.tolerations).map(tolerationOf);
  const add = (key: string, effect: string): Toleration => ({ key, operator: 'Exists', value: '', effect });
  const defaults = [
    add('node.kubernetes.io/not-ready', 'NoExecute'),
    add('node.kubernetes.io/unreachable', 'NoExecute'),
    add('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    add('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    add('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    add('node.kubernetes.io/unschedulable', 'NoSchedule'),
  ];
  if (podSpec.hostNetwork === true) defaults.push(add('node.kubernetes.io/network-unavailable', 'NoSchedule'));
  return [...own, ...defaults];
}

/** The tolerations the DaemonSet controller adds, in words: "not-ready, unreachable for NoExecute; ... for NoSchedule". */
export function daemonPodDefaultsText(podSpec: Record<string, unknown>): string {
  const byEffect = new Map<string, string[]>();
  for (const t of daemonPodTolerations({ hostNetwork: podSpec.hostNetwork })) {
    const l = byEffect.get(t.effect) ?? [];
    l.push(t.key.replace(/^node\.kubernetes\.io\//, ''));
    byEffect.set(t.effect, l);
  }
  return [...byEffect].map(([effect, keys]) => `${keys.join(', ')} for ${effect}${effect === 'NoExecute' ? ' only' : ''}`).join('; ');
}

/**
 * Taints the node lifecycle controller keeps while a node condition holds (TaintNodesByCondition
 * for NoSchedule, taint-based eviction for NoExecute): removed by hand, they come straight back.
 */
const CONDITION_TAINTS: Readonly<Record<string, { condition: string; status: string }>> = {
  'node.kubernetes.io/not-ready': { condition: 'Ready', status: 'False' },
  'node.kubernetes.io/unreachable': { condition: 'Ready', status: 'Unknown' },
  'node.kubernetes.io/memory-pressure': { condition: 'MemoryPressure', status: 'True' },
  'node.kubernetes.io/disk-pressure': { condition: 'DiskPressure', status: 'True' },
  'node.kubernetes.io/pid-pressure': { condition: 'PIDPressure', status: 'True' },
  'node.kubernetes.io/network-unavailable': { condition: 'NetworkUnavailable', status: 'True' },
};

export interface ConditionTaint {
  condition: string;
  /** the condition status the taint stands for */
  status: string;
  /** what the Node reports now, with its reason */
  now?: string;
}

/** The node condition behind a taint the node lifecycle controller manages; undefined for any other taint. */
export function conditionOfTaint(node: KubeObject, taint: Taint): ConditionTaint | undefined {
  const c = CONDITION_TAINTS[taint.key];
  if (!c) return undefined;
  const cond = asArray(asRecord(node.status).conditions).map(asRecord).find((x) => x.type === c.condition);
  const now = typeof cond?.status === 'string' ? `${c.condition}=${cond.status}${typeof cond.reason === 'string' && cond.reason ? ` (${cond.reason})` : ''}` : undefined;
  return { ...c, ...(now ? { now } : {}) };
}

/** The Node's NoSchedule/NoExecute taints no toleration tolerates (PreferNoSchedule never blocks), with their index in spec.taints. */
export function untoleratedTaints(node: KubeObject, tolerations: readonly Toleration[]): { taint: Taint; index: number }[] {
  const out: { taint: Taint; index: number }[] = [];
  taintsOf(node).forEach((taint, index) => {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') return;
    if (!tolerations.some((t) => toleratesTaint(t, taint))) out.push({ taint, index });
  });
  return out;
}

export function taintText(t: Taint): string {
  return `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`;
}

export function tolerationText(t: Toleration): string {
  const key = t.key === '' ? '<any key>' : t.key;
  const op = t.operator === '' ? 'Equal' : t.operator;
  const val = op === 'Exists' ? '' : ` ${t.value === '' ? '""' : t.value}`;
  return `${key} ${op}${val}${t.effect ? ` ${t.effect}` : ' <any effect>'}`;
}

// ---------------------------------------------------------------------------------------------
// nodeSelector and required node affinity

function labelsOf(node: KubeObject): Map<string, string> {
  const m = new Map<string, string>();
  for (const [k, v] of Object.entries(asRecord(node.metadata?.labels))) if (typeof v === 'string') m.set(k, v);
  return m;
}

export interface SelectorMismatch {
  key: string;
  want: string;
  /** the node's value, undefined when it lacks the label */
  have?: string;
}

/** The pairs of pod.spec.nodeSelector the Node's labels do not satisfy. */
export function nodeSelectorMismatches(node: KubeObject, nodeSelector: unknown): SelectorMismatch[] {
  const labels = labelsOf(node);
  const out: SelectorMismatch[] = [];
  for (const [key, v] of Object.entries(asRecord(nodeSelector))) {
    const want = s(v);
    const have = labels.get(key);
    if (have !== want) out.push({ key, want, ...(have !== undefined ? { have } : {}) });
  }
  return out;
}

/**
 * Why one NodeSelectorRequirement does not match, or undefined when it does. An invalid one
 * (In/NotIn without values, Exists/DoesNotExist with values, Gt/Lt without exactly one integer,
 * an unknown operator) matches nothing, as the DaemonSet controller ignores the parse error.
 */
function labelRequirementFailure(req: unknown, labels: Map<string, string>): string | undefined {
  const r = asRecord(req);
  const key = s(r.key);
  const op = s(r.operator);
  const values = asArray(r.values).map(s);
  const have = labels.get(key);
  const showHave = have === undefined ? `the node has no label ${key}` : `the node has ${key}=${have}`;
  const list = `[${values.join(', ')}]`;
  switch (op) {
    case 'In':
      if (values.length === 0) return `${key} In [] is invalid (In needs values): matches no node`;
      return have !== undefined && values.includes(have) ? undefined : `${key} In ${list}: ${showHave}`;
    case 'NotIn':
      if (values.length === 0) return `${key} NotIn [] is invalid (NotIn needs values): matches no node`;
      return have === undefined || !values.includes(have) ? undefined : `${key} NotIn ${list}: ${showHave}`;
    case 'Exists':
      if (values.length > 0) return `${key} Exists with values is invalid: matches no node`;
      return have !== undefined ? undefined : `${key} Exists: ${showHave}`;
    case 'DoesNotExist':
      if (values.length > 0) return `${key} DoesNotExist with values is invalid: matches no node`;
      return have === undefined ? undefined : `${key} DoesNotExist: ${showHave}`;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !INT64.test(values[0]!)) return `${key} ${op} ${list} is invalid (needs one integer): matches no node`;
      if (have === undefined || !INT64.test(have)) return `${key} ${op} ${values[0]}: ${have === undefined ? showHave : `${showHave}, not an integer`}`;
      const ok = op === 'Gt' ? BigInt(have) > BigInt(values[0]!) : BigInt(have) < BigInt(values[0]!);
      return ok ? undefined : `${key} ${op} ${values[0]}: ${showHave}`;
    }
    default:
      return `${key} ${op || '(no operator)'} is not a valid operator: matches no node`;
  }
}

/** matchFields: only metadata.name, with In or NotIn and exactly one value. */
function fieldRequirementFailure(req: unknown, node: KubeObject): string | undefined {
  const r = asRecord(req);
  const key = s(r.key);
  const op = s(r.operator);
  const values = asArray(r.values).map(s);
  if (op !== 'In' && op !== 'NotIn') return `matchFields ${key} ${op || '(no operator)'}: only In and NotIn are supported, matches no node`;
  if (values.length !== 1) return `matchFields ${key} ${op} [${values.join(', ')}]: needs exactly one value, matches no node`;
  const have = key === 'metadata.name' ? (node.metadata?.name ?? '') : '';
  const equal = have === values[0];
  if (op === 'In' ? equal : !equal) return undefined;
  return `matchFields ${key} ${op} [${values[0]}]: the node is ${node.metadata?.name ?? ''}`;
}

export interface AffinityMismatch {
  /** per nodeSelectorTerm (they are ORed), why it does not match */
  terms: string[];
}

/**
 * requiredDuringSchedulingIgnoredDuringExecution: undefined when the node matches (or there is no
 * such affinity), else why each term fails. Terms are ORed; inside a term every matchExpression
 * and matchField must hold; an empty term matches nothing.
 */
export function requiredAffinityMismatch(node: KubeObject, affinity: unknown): AffinityMismatch | undefined {
  const raw = asRecord(asRecord(affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution;
  if (raw === undefined || raw === null) return undefined;
  const required = asRecord(raw);
  const labels = labelsOf(node);
  const terms = asArray(required.nodeSelectorTerms);
  const why: string[] = [];
  for (const [i, raw] of terms.entries()) {
    const t = asRecord(raw);
    const exprs = asArray(t.matchExpressions);
    const fields = asArray(t.matchFields);
    if (exprs.length === 0 && fields.length === 0) {
      why.push(`term ${i + 1} is empty: matches no node`);
      continue;
    }
    const fails = [...exprs.map((e) => labelRequirementFailure(e, labels)), ...fields.map((f) => fieldRequirementFailure(f, node))].filter((x): x is string => x !== undefined);
    if (fails.length === 0) return undefined;
    why.push(`term ${i + 1}: ${fails.join('; ')}`);
  }
  if (terms.length === 0) why.push('no nodeSelectorTerms: matches no node');
  return { terms: why };
}

// ---------------------------------------------------------------------------------------------
// The verdict

export type PlacementReason =
  | { kind: 'nodeName'; want: string }
  | { kind: 'nodeSelector'; mismatches: SelectorMismatch[] }
  | { kind: 'affinity'; mismatch: AffinityMismatch }
  | { kind: 'taint'; taints: { taint: Taint; index: number }[] };

/** The pod spec of a DaemonSet's template. */
export function templateSpec(ds: KubeObject): Record<string, unknown> {
  return asRecord(asRecord(asRecord(ds.spec).template).spec);
}

/**
 * Why the DaemonSet controller would not run the DaemonSet's pod on the Node (nodeShouldRunDaemonPod):
 * every failing predicate, placement first (nodeName, nodeSelector, affinity), then taints. Empty: it should run there.
 */
export function daemonSetPlacement(ds: KubeObject, node: KubeObject): PlacementReason[] {
  const spec = templateSpec(ds);
  const out: PlacementReason[] = [];
  const nodeName = typeof spec.nodeName === 'string' ? spec.nodeName : '';
  if (nodeName !== '' && nodeName !== node.metadata?.name) out.push({ kind: 'nodeName', want: nodeName });
  const mismatches = nodeSelectorMismatches(node, spec.nodeSelector);
  if (mismatches.length > 0) out.push({ kind: 'nodeSelector', mismatches });
  const affinity = requiredAffinityMismatch(node, spec.affinity);
  if (affinity) out.push({ kind: 'affinity', mismatch: affinity });
  const taints = untoleratedTaints(node, daemonPodTolerations(spec));
  if (taints.length > 0) out.push({ kind: 'taint', taints });
  return out;
}

/** The node a DaemonSet pod is bound to: spec.nodeName, or before binding the metadata.name its affinity pins (the controller sets it so). */
export function daemonPodTargetNode(pod: KubeObject): string | undefined {
  const spec = asRecord(pod.spec);
  if (typeof spec.nodeName === 'string' && spec.nodeName !== '') return spec.nodeName;
  const terms = asArray(asRecord(asRecord(asRecord(spec.affinity).nodeAffinity).requiredDuringSchedulingIgnoredDuringExecution).nodeSelectorTerms);
  for (const t of terms) {
    for (const f of asArray(asRecord(t).matchFields)) {
      const r = asRecord(f);
      const values = asArray(r.values);
      if (r.key === 'metadata.name' && r.operator === 'In' && values.length === 1 && typeof values[0] === 'string') return values[0];
    }
  }
  return undefined;
}

/** One line per reason, as a message or evidence line says it. */
export function placementReasonText(r: PlacementReason): string {
  switch (r.kind) {
    case 'nodeName':
      return `its pod template pins spec.nodeName ${r.want}`;
    case 'nodeSelector':
      return r.mismatches.map((m) => `its nodeSelector ${m.key}=${m.want} does not match (${m.have === undefined ? `the node has no label ${m.key}` : `the node has ${m.key}=${m.have}`})`).join('; ');
    case 'affinity':
      return `its required node affinity does not match (${r.mismatch.terms.join(' / ')})`;
    case 'taint':
      return `it does not tolerate the node's taint${r.taints.length === 1 ? '' : 's'} ${r.taints.map((t) => taintText(t.taint)).join(', ')}`;
  }
}
