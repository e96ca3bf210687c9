// What-ifs over a state (simulate --add-service, --remove-pool, --set-pool-addresses,
// --fail-node, --drain-node, --label-node): a new ClusterState in which the change has happened
// after MetalLB's controller had already assigned the addresses of the baseline, as in a running
// cluster. Pure: the input state and its objects are never modified.
import { attachSource, sourceOf, type KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import { legacyAnnotationsOnly, simulationOf } from './simulation.js';

export interface AddService {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  ports: { port: number; protocol: string }[];
  externalTrafficPolicy: 'Cluster' | 'Local';
  ipFamilyPolicy?: 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
  ipFamilies?: ('IPv4' | 'IPv6')[];
  loadBalancerClass?: string;
  /**
   * pool=, share=, ip=: MetalLB annotations by name (address-pool, allow-shared-ip,
   * loadBalancerIPs), written under the prefix the state's release reads (metallb.io/ from v0.14.9,
   * metallb.universe.tf/ before)
   */
  requests?: Record<string, string>;
  /** nodes with a ready endpoint; undefined = a ready endpoint on every node */
  endpoints?: string[];
}

export type Change =
  | { kind: 'add-service'; service: AddService }
  | { kind: 'remove-pool'; pool: string }
  | { kind: 'set-pool-addresses'; pool: string; addresses: string[] }
  | { kind: 'fail-node'; node: string }
  | { kind: 'drain-node'; node: string }
  | { kind: 'label-node'; node: string; key: string; value?: string };

/** The flag a change came from, as a user would type it. */
export function changeText(c: Change): string {
  switch (c.kind) {
    case 'add-service':
      return `--add-service ${c.service.namespace}/${c.service.name}`;
    case 'remove-pool':
      return `--remove-pool ${c.pool}`;
    case 'set-pool-addresses':
      return `--set-pool-addresses ${c.pool}=${c.addresses.join(',')}`;
    case 'fail-node':
      return `--fail-node ${c.node}`;
    case 'drain-node':
      return `--drain-node ${c.node}`;
    case 'label-node':
      return `--label-node ${c.node}:${c.key}${c.value === undefined ? '-' : `=${c.value}`}`;
  }
}

/** Names a change refers to that the state does not hold: the user's typo, told before anything runs. */
export function unknownTargets(state: ClusterState, changes: readonly Change[]): string[] {
  const out: string[] = [];
  const pools = new Set(state.metallbObjects('IPAddressPool').map((p) => p.metadata?.name));
  const nodes = new Set(state.all('Node').map((n) => n.metadata?.name));
  for (const c of changes) {
    if ((c.kind === 'remove-pool' || c.kind === 'set-pool-addresses') && !pools.has(c.pool)) out.push(`${changeText(c)}: no IPAddressPool "${c.pool}" in ${state.metallb.namespace}`);
    if ((c.kind === 'fail-node' || c.kind === 'drain-node' || c.kind === 'label-node') && !nodes.has(c.node)) {
      out.push(`${changeText(c)}: no Node "${c.node}"${state.isCaptured('Node') ? '' : ' (the input holds no Nodes)'}`);
    }
    if (c.kind === 'add-service' && state.get('Service', c.service.namespace, c.service.name)) out.push(`${changeText(c)}: the Service already exists`);
    if (c.kind === 'add-service') {
      const unknown = (c.service.endpoints ?? []).filter((n) => !nodes.has(n));
      if (unknown.length > 0) out.push(`${changeText(c)}: endpoints on no Node: ${unknown.map((n) => `"${n}"`).join(', ')}${state.isCaptured('Node') ? '' : ' (the input holds no Nodes)'}`);
    }
  }
  return out;
}

function serviceObject(s: AddService, legacyAnnotations: boolean): KubeObject {
  const prefix = legacyAnnotations ? 'metallb.universe.tf/' : 'metallb.io/';
  const annotations = { ...s.annotations };
  for (const [name, value] of Object.entries(s.requests ?? {})) annotations[prefix + name] = value;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, namespace: s.namespace, labels: s.labels, annotations },
    spec: {
      type: 'LoadBalancer',
      selector: { 'metallb-doctor.io/what-if': s.name },
      ports: s.ports.map((p) => ({ port: p.port, protocol: p.protocol })),
      externalTrafficPolicy: s.externalTrafficPolicy,
      ...(s.ipFamilyPolicy ? { ipFamilyPolicy: s.ipFamilyPolicy } : {}),
      ...(s.ipFamilies ? { ipFamilies: s.ipFamilies } : {}),
      ...(s.loadBalancerClass ? { loadBalancerClass: s.loadBalancerClass } : {}),
    },
  };
}

function endpointSliceFor(s: AddService, nodes: readonly string[]): KubeObject {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${s.name}-what-if`, namespace: s.namespace, labels: { 'kubernetes.io/service-name': s.name } },
    addressType: 'IPv4',
    endpoints: nodes.map((n, i) => ({ addresses: [`10.255.${(i >> 8) & 255}.${i & 255}`], conditions: { ready: true, serving: true }, nodeName: n })),
  } as KubeObject;
}

/** A changed copy keeps the original's file positions, so findings still point into the user's files. */
function copyOf(orig: KubeObject, copy: KubeObject): KubeObject {
  const src = sourceOf(orig);
  return src ? attachSource(copy, src) : copy;
}

/** The Service with the addresses the baseline gave it written to its status, as the controller writes them. */
function withBaselineStatus(svc: KubeObject, ips: readonly string[]): KubeObject {
  return copyOf(svc, { ...svc, status: { ...asRecord(svc.status), loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } });
}

/** Removes the endpoints on a node from an EndpointSlice (undefined when nothing changes). */
function withoutNode(slice: KubeObject, node: string): KubeObject | undefined {
  const eps = asArray((slice as Record<string, unknown>).endpoints);
  const kept = eps.filter((e) => asRecord(e).nodeName !== node);
  return kept.length === eps.length ? undefined : copyOf(slice, { ...slice, endpoints: kept } as KubeObject);
}

/**
 * The state after the changes, starting from the addresses MetalLB assigned in the baseline, once
 * MetalLB's controller has processed every Service again (status written, or cleared when pending).
 */
/** The Node as `kubectl cordon` leaves it: spec.unschedulable, and the taint the node controller adds for it. */
function cordoned(node: KubeObject): KubeObject {
  const spec = asRecord(node.spec);
  const taints = Array.isArray(spec.taints) ? (spec.taints as unknown[]) : [];
  const has = taints.some((t) => asRecord(t).key === 'node.kubernetes.io/unschedulable');
  return copyOf(node, { ...node, spec: { ...spec, unschedulable: true, taints: has ? taints : [...taints, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } });
}

export function applyChanges(base: ClusterState, changes: readonly Change[]): ClusterState {
  const sim = simulationOf(base);
  const derived = new Set(base.legacy?.objects ?? []);
  let objects: KubeObject[] = [];
  for (const o of base.objects) {
    if (derived.has(o)) continue;
    if (o.kind === 'Service') {
      const r = sim.byService.get(o);
      objects.push(r && r.state === 'allocated' && r.ips.length > 0 ? withBaselineStatus(o, r.ips) : o);
    } else objects.push(o);
  }
  const ns = base.metallb.namespace;
  const isPool = (o: KubeObject, name: string) => o.kind === 'IPAddressPool' && o.metadata?.name === name && (!o.metadata?.namespace || o.metadata.namespace === ns);
  const allNodes = () => objects.filter((o) => o.kind === 'Node').map((o) => o.metadata?.name ?? '');
  for (const c of changes) {
    switch (c.kind) {
      case 'add-service': {
        objects.push(serviceObject(c.service, legacyAnnotationsOnly(base)));
        objects.push(endpointSliceFor(c.service, c.service.endpoints ?? allNodes()));
        break;
      }
      case 'remove-pool':
        objects = objects.filter((o) => !isPool(o, c.pool));
        break;
      case 'set-pool-addresses':
        objects = objects.map((o) => (isPool(o, c.pool) ? copyOf(o, { ...o, spec: { ...asRecord(o.spec), addresses: [...c.addresses] } }) : o));
        break;
      case 'fail-node':
      case 'drain-node': {
        // fail: the Node, every pod on it (its speaker too) and its endpoints are gone;
        // drain: as kubectl drain, the node is cordoned and its pods leave except DaemonSet pods
        // (the speaker stays; MetalLB ignores cordon, except v0.14.9: cordonedIsUnavailable)
        const fail = c.kind === 'fail-node';
        const next: KubeObject[] = [];
        for (const o of objects) {
          if (o.kind === 'Node' && o.metadata?.name === c.node) {
            if (!fail) next.push(cordoned(o));
            continue;
          }
          if (o.kind === 'Pod' && asRecord(o.spec).nodeName === c.node) {
            const daemon = (o.metadata?.ownerReferences as unknown[] | undefined)?.some((r) => asRecord(r).kind === 'DaemonSet') || isSpeaker(o);
            if (fail || !daemon) continue;
          }
          if (o.kind === 'EndpointSlice') {
            const s = withoutNode(o, c.node);
            if (s) {
              next.push(s);
              continue;
            }
          }
          next.push(o);
        }
        objects = next;
        break;
      }
      case 'label-node':
        objects = objects.map((o) => {
          if (o.kind !== 'Node' || o.metadata?.name !== c.node) return o;
          const labels = { ...(o.metadata?.labels ?? {}) };
          if (c.value === undefined) delete labels[c.key];
          else labels[c.key] = c.value;
          return copyOf(o, { ...o, metadata: { ...o.metadata, labels } });
        });
        break;
    }
  }
  const captured = new Set(base.captured);
  if (changes.some((c) => c.kind === 'add-service')) for (const k of ['Service', 'EndpointSlice']) captured.add(k);
  // the speakers' own records describe the world before the change: after it they rewrite them,
  // and what they would write is the model's answer, not an input
  for (const k of ['ServiceL2Status', 'ServiceBGPStatus']) captured.delete(k);
  objects = objects.filter((o) => o.kind !== 'ServiceL2Status' && o.kind !== 'ServiceBGPStatus');
  const layer = (objs: KubeObject[]): ClusterState => base.derive(objs, captured, base.gaps, { metallbNamespace: ns, controllerRunning: true });
  // the controller then processes every Service: it writes the new addresses to status (or clears them)
  const changed = layer(objects);
  const after = simulationOf(changed);
  let rewritten = false;
  const processed = objects.map((o) => {
    if (o.kind !== 'Service') return o;
    const r = after.byService.get(o);
    if (!r || r.state === 'ignored' || r.state === 'kept') return o;
    const ips = r.state === 'allocated' ? r.ips : [];
    // a pending Service that holds no address already reads as it would with an empty status
    if (ips.length === 0 && statusIPCount(o) === 0) return o;
    rewritten = true;
    return withBaselineStatus(o, ips);
  });
  // a change that moves no address (a failed, drained or relabelled node) leaves every status as
  // it was: the state already is the processed one, and its simulation is already computed
  return rewritten ? layer(processed) : changed;
}

function statusIPCount(svc: KubeObject): number {
  return asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).length;
}

function isSpeaker(o: KubeObject): boolean {
  const l = o.metadata?.labels ?? {};
  return l.component === 'speaker' || l['app.kubernetes.io/component'] === 'speaker';
}
