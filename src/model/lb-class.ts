// Which LoadBalancer Services MetalLB handles, by class (metallb-semantics.md 3.1): the
// `--lb-class` flag of the controller and speaker (Helm value loadBalancerClass). Unset: only
// Services without spec.loadBalancerClass; set: only Services whose class equals it. Before
// v0.13.0 there is neither the flag nor the filter (filterByLoadBalancerClass): every LoadBalancer
// Service is MetalLB's, whatever its class.
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';
import { asRecord } from '../state/cluster-state.js';
import { argValue, containers, versionBefore } from '../state/installation.js';

export interface MetalLBClass {
  /** the --lb-class value; undefined = unset */
  value?: string;
  /** false when no MetalLB workload is in the input and the default (unset) is assumed */
  known: boolean;
  /** where the value comes from, for evidence */
  from: string;
  /** MetalLB before v0.13.0: no class filter, every LoadBalancer Service is MetalLB's */
  everyClass?: boolean;
}

export function metallbLoadBalancerClass(state: ClusterState): MetalLBClass {
  // unknown versions are taken as the newest
  if (versionBefore(state.metallb.version, 0, 13)) {
    return { known: true, everyClass: true, from: `MetalLB ${state.metallb.version} has no --lb-class and does not read spec.loadBalancerClass (both arrive in v0.13.0)` };
  }
  for (const [workload, image] of [
    [state.metallb.controller, 'metallb/controller'],
    [state.metallb.speaker, 'metallb/speaker'],
  ] as const) {
    if (!workload) continue;
    const cs = containers(workload);
    const main = cs.find((c) => String(c.image ?? '').includes(image)) ?? cs[0];
    const v = main ? argValue(main, 'lb-class') : undefined;
    const where = `${workload.kind} "${workload.metadata?.name ?? ''}"`;
    // an empty --lb-class= is the flag's default: unset
    return v ? { value: v, known: true, from: `--lb-class=${v} on ${where}` } : { known: true, from: `no --lb-class on ${where}` };
  }
  return { known: false, from: "MetalLB's workloads are not in the input: --lb-class assumed unset (MetalLB's default)" };
}

/** spec.loadBalancerClass when it is a non-empty string. */
export function serviceClass(svc: KubeObject): string | undefined {
  const c = asRecord(svc.spec).loadBalancerClass;
  return typeof c === 'string' && c !== '' ? c : undefined;
}

export function isLoadBalancer(svc: KubeObject): boolean {
  return asRecord(svc.spec).type === 'LoadBalancer';
}

/** Whether MetalLB's class filter lets the Service through (filterByLoadBalancerClass negated). */
export function classMatches(svc: KubeObject, cls: MetalLBClass): boolean {
  return cls.everyClass === true || serviceClass(svc) === cls.value;
}

/** The Service is ignored by MetalLB for its class, and we know MetalLB's class. */
export function knownIgnoredByClass(svc: KubeObject, cls: MetalLBClass): boolean {
  return cls.known && isLoadBalancer(svc) && !classMatches(svc, cls);
}
