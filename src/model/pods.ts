// How a Pod is doing, read once for the rules (controller-unavailable, speaker-unavailable) and
// for `diag`: phase, readiness, per-container waiting/terminated reasons, restarts, last state,
// the PodScheduled condition, and the pod's Warning events. Read defensively: every field may be
// missing or of the wrong type.
import type { FieldPath, KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import { matchesSelector, validateSelector, type LabelSelector } from './selectors.js';

export interface ContainerView {
  name: string;
  /** an init container (it must finish before the others start) */
  init: boolean;
  ready: boolean;
  restarts: number;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** the waiting or terminated reason: CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError, OOMKilled, Error... */
  reason?: string;
  message?: string;
  exitCode?: number;
  /** the previous run (lastState.terminated): why it ended */
  last?: { reason?: string; exitCode?: number; finishedAt?: string };
  /** where the state is written in the Pod */
  path: FieldPath;
}

export interface PodView {
  pod: KubeObject;
  name: string;
  namespace: string;
  node?: string;
  phase: string;
  /** condition Ready=True */
  ready: boolean;
  /** metadata.deletionTimestamp is set */
  terminating: boolean;
  /** status.reason / status.message (Evicted, NodeLost, UnexpectedAdmissionError...) */
  reason?: string;
  message?: string;
  /** condition PodScheduled=False, and its index in status.conditions */
  unscheduled?: { reason?: string; message?: string; index: number };
  containers: ContainerView[];
  /** restarts of every container */
  restarts: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function containerView(raw: unknown, i: number, init: boolean): ContainerView {
  const c = asRecord(raw);
  const state = asRecord(c.state);
  const field = init ? 'initContainerStatuses' : 'containerStatuses';
  const base = {
    name: str(c.name) ?? `#${i}`,
    init,
    ready: c.ready === true,
    restarts: num(c.restartCount) ?? 0,
  };
  const lt = asRecord(asRecord(c.lastState).terminated);
  const last = Object.keys(lt).length > 0 ? { reason: str(lt.reason), exitCode: num(lt.exitCode), finishedAt: str(lt.finishedAt) } : undefined;
  const withLast = last ? { last } : {};
  for (const s of ['waiting', 'terminated'] as const) {
    if (state[s] === undefined || state[s] === null) continue;
    const st = asRecord(state[s]);
    const reason = str(st.reason);
    const message = str(st.message);
    const exitCode = num(st.exitCode);
    return {
      ...base,
      state: s,
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...withLast,
      path: ['status', field, i, 'state', s, ...(reason ? ['reason'] : [])],
    };
  }
  if (state.running !== undefined && state.running !== null) return { ...base, state: 'running', ...withLast, path: ['status', field, i, 'ready'] };
  return { ...base, state: 'unknown', ...withLast, path: ['status', field, i] };
}

/** The node the pod is bound to (spec.nodeName), as PodView.node gives it. */
export function podNode(pod: KubeObject): string | undefined {
  return str(asRecord(pod.spec).nodeName);
}

function isReady(conditions: readonly unknown[]): boolean {
  for (const raw of conditions) {
    const c = asRecord(raw);
    if (c.type === 'Ready' && c.status === 'True') return true;
  }
  return false;
}

function isTerminating(pod: KubeObject): boolean {
  return pod.metadata?.deletionTimestamp !== undefined && pod.metadata?.deletionTimestamp !== null;
}

/**
 * Ready and not being deleted (PodView's `ready && !terminating`), read without building the
 * view: most pods of a large cluster are fine, and only the others need their containers read.
 */
export function podServes(pod: KubeObject): boolean {
  return !isTerminating(pod) && isReady(asArray(asRecord(pod.status).conditions));
}

/**
 * What a PodView says of a pod without reading its containers' states: diag lists every MetalLB
 * pod (5,000 speakers on a large cluster), and only those not ready need the whole view.
 */
export function podSummary(pod: KubeObject): { name: string; namespace: string; node: string | undefined; phase: string; ready: boolean; restarts: number } {
  const status = asRecord(pod.status);
  // plain loops: this runs once per pod, mostly before the JIT has optimised it
  let restarts = 0;
  for (const c of asArray(status.initContainerStatuses)) restarts += num(asRecord(c).restartCount) ?? 0;
  for (const c of asArray(status.containerStatuses)) restarts += num(asRecord(c).restartCount) ?? 0;
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    node: podNode(pod),
    phase: str(status.phase) ?? 'Unknown',
    ready: isReady(asArray(status.conditions)),
    restarts,
  };
}

export function podViewOf(pod: KubeObject): PodView {
  const status = asRecord(pod.status);
  // the summary's fields, and what only the whole view reads: the containers, the scheduling
  const { name, namespace, node, phase, ready, restarts } = podSummary(pod);
  const conditions = asArray(status.conditions).map(asRecord);
  const si = conditions.findIndex((c) => c.type === 'PodScheduled' && c.status === 'False');
  const containers = [
    ...asArray(status.initContainerStatuses).map((c, i) => containerView(c, i, true)),
    ...asArray(status.containerStatuses).map((c, i) => containerView(c, i, false)),
  ];
  const reason = str(status.reason);
  const message = str(status.message);
  return {
    pod,
    name,
    namespace,
    ...(node ? { node } : {}),
    phase,
    ready,
    terminating: isTerminating(pod),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    ...(si >= 0 ? { unscheduled: { reason: str(conditions[si]!.reason), message: str(conditions[si]!.message), index: si } } : {}),
    containers,
    restarts,
  };
}

/** "waiting CrashLoopBackOff (back-off 5m0s ...), 12 restarts, last terminated OOMKilled (exit code 137)" */
export function containerText(c: ContainerView): string {
  const parts: string[] = [];
  const what = c.state === 'running' ? (c.ready ? 'running' : 'running but not ready') : c.state === 'unknown' ? 'no state reported' : `${c.state} ${c.reason ?? '(no reason)'}`;
  parts.push(`${what}${c.state === 'terminated' && c.exitCode !== undefined ? ` (exit code ${c.exitCode})` : ''}${c.message && c.state !== 'running' ? ` (${clip(c.message)})` : ''}`);
  parts.push(`${c.restarts} restart${c.restarts === 1 ? '' : 's'}`);
  if (c.last && (c.last.reason || c.last.exitCode !== undefined)) {
    parts.push(`last terminated${c.last.reason ? ` ${c.last.reason}` : ''}${c.last.exitCode !== undefined ? ` (exit code ${c.last.exitCode})` : ''}${c.last.finishedAt ? ` at ${c.last.finishedAt}` : ''}`);
  }
  return parts.join(', ');
}

function clip(s: string, max = 160): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export interface PodProblem {
  /** one line: why the pod is not ready */
  text: string;
  /** the short reason (CrashLoopBackOff, Unschedulable, ...) */
  reason: string;
  /** the reason with the last exit's, to group pods by: "CrashLoopBackOff after OOMKilled" */
  group: string;
  /** the field of the Pod that shows it */
  path: FieldPath;
}

/**
 * Why a pod is not ready, in the order that explains most: being deleted, failed or evicted, not
 * scheduled, an init container stuck, a container waiting or terminated, a container running but
 * failing its readiness probe.
 */
export function podProblem(v: PodView): PodProblem {
  const p = problemOf(v);
  return { ...p, group: p.last ? `${p.reason} after ${p.last}` : p.reason };
}

function problemOf(v: PodView): Omit<PodProblem, 'group'> & { last?: string } {
  if (v.terminating) return { text: `being deleted since ${String(v.pod.metadata?.deletionTimestamp)}`, reason: 'Terminating', path: ['metadata', 'deletionTimestamp'] };
  if (v.phase === 'Failed' || v.phase === 'Succeeded' || v.reason) {
    const r = v.reason ?? v.phase;
    return { text: `phase ${v.phase}${v.reason ? `, reason ${v.reason}` : ''}${v.message ? ` (${clip(v.message)})` : ''}`, reason: r, path: v.reason ? ['status', 'reason'] : ['status', 'phase'] };
  }
  if (v.unscheduled) {
    const u = v.unscheduled;
    return { text: `not scheduled: ${u.reason ?? 'PodScheduled=False'}${u.message ? ` (${clip(u.message)})` : ''}`, reason: u.reason ?? 'Unscheduled', path: ['status', 'conditions', u.index] };
  }
  const bad =
    v.containers.find((c) => c.init && c.state !== 'terminated' && !c.ready) ??
    v.containers.find((c) => c.init && c.state === 'terminated' && c.exitCode !== 0) ??
    v.containers.find((c) => !c.init && c.state === 'waiting') ??
    v.containers.find((c) => !c.init && c.state === 'terminated') ??
    v.containers.find((c) => !c.init && !c.ready);
  if (bad) {
    const reason = bad.reason ?? (bad.state === 'running' ? 'NotReady' : bad.state);
    const last = bad.state === 'waiting' && bad.last?.reason ? bad.last.reason : undefined;
    return { text: `${bad.init ? 'init container' : 'container'} ${bad.name}: ${containerText(bad)}`, reason, path: bad.path, ...(last ? { last } : {}) };
  }
  if (v.containers.length === 0) return { text: `phase ${v.phase}, no container has started`, reason: v.phase, path: ['status', 'phase'] };
  return { text: `phase ${v.phase}, condition Ready is not True`, reason: 'NotReady', path: ['status', 'conditions'] };
}

/** "speaker-x2 on node-a: Running, not ready; container speaker: waiting CrashLoopBackOff, 12 restarts" */
export function podDetail(v: PodView): string {
  const head = `${v.name}${v.node ? ` on ${v.node}` : ' (no node)'}: ${v.phase}${v.ready ? ', ready' : ', not ready'}`;
  if (v.ready) return head;
  const p = podProblem(v);
  const others = v.containers.filter((c) => c.path !== p.path && !c.ready && !(c.init && c.state === 'terminated' && c.exitCode === 0));
  return [head, p.text, ...others.map((c) => `${c.init ? 'init container' : 'container'} ${c.name}: ${containerText(c)}`)].join('; ');
}

// ---------------------------------------------------------------------------------------------
// Pods of a workload, events

/** The pods a Deployment or DaemonSet owns: same namespace, matching its selector (its template's labels when it has none). */
const podsCache = new WeakMap<ClusterState, WeakMap<KubeObject, KubeObject[]>>();
export function podsOf(state: ClusterState, workload: KubeObject): KubeObject[] {
  let perState = podsCache.get(state);
  if (!perState) podsCache.set(state, (perState = new WeakMap()));
  let hit = perState.get(workload);
  if (!hit) perState.set(workload, (hit = findPods(state, workload)));
  return hit;
}

function findPods(state: ClusterState, workload: KubeObject): KubeObject[] {
  const ns = workload.metadata?.namespace ?? state.metallb.namespace;
  const spec = asRecord(workload.spec);
  let sel = spec.selector as LabelSelector | undefined;
  const selRec = asRecord(sel);
  if (sel === undefined || validateSelector(sel) !== undefined || (Object.keys(asRecord(selRec.matchLabels)).length === 0 && asArray(selRec.matchExpressions).length === 0)) {
    const labels = asRecord(asRecord(asRecord(spec.template).metadata).labels);
    if (Object.keys(labels).length === 0) return [];
    sel = { matchLabels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])) };
  }
  return (state.inNamespace('Pod', ns) ?? state.all('Pod')).filter((p) => (p.metadata?.namespace ?? ns) === ns && matchesSelector(sel, p.metadata?.labels));
}

const COMPONENT_IMAGE = { controller: /(^|\/)metallb[/-]controller(:|@|$)/, speaker: /(^|\/)metallb[/-]speaker(:|@|$)/ };

/**
 * MetalLB's controller or speaker pods found without their workload: in MetalLB's namespace,
 * labelled as the manifests (app=metallb, component=X) or the Helm chart
 * (app.kubernetes.io/component=X, app.kubernetes.io/name=metallb...) label them, or running its image.
 */
export function metallbPods(state: ClusterState, component: 'controller' | 'speaker'): KubeObject[] {
  const ns = state.metallb.namespace;
  return (state.inNamespace('Pod', ns) ?? state.all('Pod')).filter((p) => {
    if ((p.metadata?.namespace ?? ns) !== ns) return false;
    const l = asRecord(p.metadata?.labels);
    if (l.app === 'metallb' && l.component === component) return true;
    if (l['app.kubernetes.io/component'] === component && String(l['app.kubernetes.io/name'] ?? '').includes('metallb')) return true;
    return asArray(asRecord(p.spec).containers).some((c) => COMPONENT_IMAGE[component].test(String(asRecord(c).image ?? '')));
  });
}

export interface EventView {
  type: string;
  reason: string;
  message: string;
  count: number;
  last?: string;
}

export interface EventTarget {
  kind: string;
  namespace?: string;
  /** the object's name, or with `prefix` the start of it (the ReplicaSets of a Deployment: `<name>-<hash>`) */
  name: string;
  prefix?: boolean;
}

/** The Warning events about an object (core/v1 and events.k8s.io/v1 shapes), the latest first. */
export function warningEvents(state: ClusterState, target: EventTarget | KubeObject, max = 3): EventView[] {
  if (!state.isCaptured('Event')) return [];
  const t: EventTarget = 'metadata' in target ? { kind: target.kind, name: target.metadata?.name ?? '', ...(target.metadata?.namespace ? { namespace: target.metadata.namespace } : {}) } : target;
  const out: EventView[] = [];
  for (const e of state.all('Event')) {
    if (e.type !== 'Warning') continue;
    const ref = asRecord(e.involvedObject ?? e.regarding);
    const name = typeof ref.name === 'string' ? ref.name : '';
    if (ref.kind !== t.kind || !(t.prefix ? name.startsWith(t.name) : name === t.name)) continue;
    if (t.namespace && typeof ref.namespace === 'string' && ref.namespace !== t.namespace) continue;
    const series = asRecord(e.series);
    const last = str(e.lastTimestamp) ?? str(series.lastObservedTime) ?? str(e.eventTime) ?? str(e.deprecatedLastTimestamp);
    out.push({
      type: 'Warning',
      reason: str(e.reason) ?? '',
      message: clip(str(e.message) ?? str(e.note) ?? ''),
      count: num(e.count) ?? num(series.count) ?? num(e.deprecatedCount) ?? 1,
      ...(last ? { last } : {}),
    });
  }
  out.sort((a, b) => (b.last ?? '').localeCompare(a.last ?? ''));
  return out.slice(0, max);
}

export function eventText(e: EventView): string {
  return `event ${e.reason}${e.count > 1 ? ` (x${e.count})` : ''}${e.last ? ` at ${e.last}` : ''}: ${e.message}`;
}

/**
 * `kubectl -l` for a workload's pods: its selector's matchLabels (Helm labels pods
 * app.kubernetes.io/component=speaker, the manifests component=speaker), else `fallback`.
 */
export function podSelectorText(workload: KubeObject | undefined, fallback: string): string {
  const ml = asRecord(asRecord(asRecord(workload?.spec).selector).matchLabels);
  const pairs = Object.entries(ml).map(([k, v]) => `${k}=${String(v)}`);
  return pairs.length > 0 ? pairs.join(',') : fallback;
}
