// Known defects of MetalLB releases, each with the releases it affects, the fix's link, and a
// predicate that says whether this cluster has what the defect needs to bite. Every entry is
// checked against MetalLB's repository: the release notes (website/content/release-notes/_index.md)
// and the commit that introduced and the one that fixed or reverted it (`git tag --contains`).
//
// Maintenance: add an entry only for a defect that has a fix or revert in a release, a range read
// from the tags that contain the faulty and the fixing commit, and a predicate over objects the
// input can hold (never over what is absent: a predicate returns [] when its kinds are not captured).
import type { FieldPath, KubeObject } from '../sources/types.js';
import { asArray, asRecord, type ClusterState } from '../state/cluster-state.js';
import { releaseAtLeast, type Release } from './crds.js';
import { classMatches, isLoadBalancer, metallbLoadBalancerClass } from './lb-class.js';
import { nodeSetOf } from './announce/common.js';
import { speakerViewOf } from './announcement.js';
import { parsePool } from './pools.js';
import { cidrContainsIP, formatCIDR, parseIP } from './address.js';
import { configurationStateNode, isOrphanConfigurationState } from './configuration-state.js';

export interface KnownIssueMatch {
  obj: KubeObject;
  path?: FieldPath;
  /** the object's fact that makes the defect bite, for evidence */
  fact: string;
}

export interface KnownIssue {
  id: string;
  /** affected releases: from (inclusive) to the fixed release (exclusive) */
  from: Release;
  fixed: Release;
  /** the affected releases as the tags name them, e.g. "v0.14.0 to v0.14.4" */
  releases: string;
  /** one line: the defect, in MetalLB's terms */
  summary: string;
  /** the fixing pull request or commit */
  link: string;
  fix: string;
  matches(state: ClusterState): KnownIssueMatch[];
}

export function affects(issue: KnownIssue, r: Release): boolean {
  return releaseAtLeast(r, issue.from) && !releaseAtLeast(r, issue.fixed);
}

const nameOf = (o: KubeObject) => o.metadata?.name ?? '';

/** Nodes an L2Advertisement or BGPAdvertisement selects (advertisement kinds must be captured). */
function advertisedNodes(state: ClusterState, nodes: readonly KubeObject[]): Set<string> {
  const out = new Set<string>();
  for (const kind of ['L2Advertisement', 'BGPAdvertisement']) {
    for (const ad of state.metallbObjects(kind)) for (const n of nodeSetOf(ad, nodes).names) out.add(n);
  }
  return out;
}

export const KNOWN_ISSUES: readonly KnownIssue[] = [
  {
    id: 'frr-manifests-init-shell',
    releases: 'v0.14.6 and v0.14.7',
    from: [0, 14, 6],
    fixed: [0, 14, 8],
    summary:
      'the FRR-mode manifests (config/manifests/metallb-frr*.yaml) of v0.14.6 and v0.14.7 copy the reloader and metrics binaries with /bin/sh, which the distroless speaker image (since v0.14.6) does not have: the cp-reloader and cp-metrics init containers fail and the speaker pods never start',
    link: 'https://github.com/metallb/metallb/commit/6e57aff99cff5c1cbeb74eb3cd3c7b3ca7c8c226',
    fix: 'Upgrade to MetalLB v0.14.8 or later, or change the init containers to run the image\'s copy tool: command ["/cp-tool", "/frr-reloader.sh", "/etc/frr_reloader/frr-reloader.sh"] and ["/cp-tool", "/frr-metrics", "/etc/frr_metrics/frr-metrics"].',
    matches(state) {
      const ds = state.metallb.speaker;
      if (!ds) return [];
      const spec = asRecord(asRecord(asRecord(ds.spec).template).spec);
      const out: KnownIssueMatch[] = [];
      asArray(spec.initContainers).forEach((c, i) => {
        const r = asRecord(c);
        if (!String(r.image ?? '').includes('metallb/speaker')) return;
        const cmd = asArray(r.command).map(String);
        if (!/^(\/bin\/)?(ba)?sh$/.test(cmd[0] ?? '')) return;
        out.push({ obj: ds, path: ['spec', 'template', 'spec', 'initContainers', i, 'command'], fact: `init container ${String(r.name ?? i)} runs ${cmd.join(' ')} in image ${String(r.image)}` });
      });
      return out;
    },
  },
  {
    id: 'endpoint-serving-before-ready',
    releases: 'v0.14.0 to v0.14.4',
    from: [0, 14, 0],
    fixed: [0, 14, 5],
    summary:
      'MetalLB judges an endpoint by its serving condition before ready, so an endpoint that is ready but not serving (a Service with publishNotReadyAddresses: true whose pods are not ready) counts as down: the Service is not announced from it (BGP withdraws, and under externalTrafficPolicy Local the node is no layer 2 candidate)',
    link: 'https://github.com/metallb/metallb/pull/2337',
    fix: 'Upgrade to MetalLB v0.14.5 or later (it reads ready first, honouring publishNotReadyAddresses).',
    matches(state) {
      if (!state.isCaptured('Service')) return [];
      const cls = metallbLoadBalancerClass(state);
      const out: KnownIssueMatch[] = [];
      for (const svc of state.all('Service')) {
        if (!isLoadBalancer(svc) || !classMatches(svc, cls)) continue;
        const ns = svc.metadata?.namespace || 'default';
        if (!state.endpointSlicesCaptured(ns)) continue;
        for (const slice of state.endpointSlicesFor(ns, nameOf(svc))) {
          const eps = asArray(slice.endpoints).map(asRecord);
          const i = eps.findIndex((e) => asRecord(e.conditions).ready === true && asRecord(e.conditions).serving === false);
          if (i < 0) continue;
          out.push({
            obj: slice,
            path: ['endpoints', i, 'conditions', 'serving'],
            fact: `EndpointSlice ${ns}/${nameOf(slice)} of Service ${ns}/${nameOf(svc)}: endpoint ${String(asArray(eps[i]!.addresses)[0] ?? i)} is ready but not serving${asRecord(svc.spec).publishNotReadyAddresses === true ? ' (publishNotReadyAddresses: true)' : ''}`,
          });
          break;
        }
      }
      return out;
    },
  },
  {
    id: 'cordoned-node-withdraws',
    releases: 'v0.14.9',
    from: [0, 14, 9],
    fixed: [0, 15, 0],
    summary:
      'v0.14.9 treats a cordoned node (spec.unschedulable) as unavailable: it is no layer 2 candidate and withdraws its BGP routes, so kubectl cordon before maintenance moves or withdraws the Services it announces (reverted in v0.15.0)',
    link: 'https://github.com/metallb/metallb/pull/2715',
    fix: 'Upgrade to MetalLB v0.15.0 or later, or uncordon the node (kubectl uncordon <node>) once the maintenance is over.',
    matches(state) {
      if (!state.isCaptured('Node')) return [];
      const nodes = state.all('Node');
      const cordoned = nodes.filter((n) => asRecord(n.spec).unschedulable === true);
      if (cordoned.length === 0) return [];
      const advertised = advertisedNodes(state, nodes);
      return cordoned
        .filter((n) => advertised.has(nameOf(n)))
        .map((n) => ({ obj: n, path: ['spec', 'unschedulable'], fact: `Node ${nameOf(n)} is cordoned (spec.unschedulable: true) and an advertisement selects it` }));
    },
  },
  {
    id: 'memberlist-disabled-no-layer2',
    releases: 'v0.11.0 to v0.14.9',
    from: [0, 11, 0],
    fixed: [0, 15, 0],
    summary:
      'with memberlist disabled (Helm: speaker.memberlist.enabled=false; no METALLB_ML_BIND_ADDR or METALLB_ML_LABELS) the speakers find no usable speaker, so the layer 2 election has no candidate and no node answers ARP/NDP for any Service (before v0.13.0 Services under externalTrafficPolicy Local were still announced from their endpoint nodes)',
    link: 'https://github.com/metallb/metallb/commit/d44289c8036a83e5c5d6b4f49886e85f705461b5',
    fix: 'Upgrade to MetalLB v0.15.0 or later (all nodes then take part in the election when memberlist is off), or enable memberlist (Helm: speaker.memberlist.enabled=true).',
    matches(state) {
      const ds = state.metallb.speaker;
      if (!ds || speakerViewOf(state).memberlist.mode !== 'disabled') return [];
      const l2 = state.metallbObjects('L2Advertisement');
      if (l2.length === 0) return [];
      return [{ obj: ds, fact: `the speaker runs without memberlist (no ml-bindaddr or ml-labels) and ${l2.length === 1 ? `L2Advertisement ${nameOf(l2[0]!)} asks` : `${l2.length} L2Advertisements ask`} for layer 2 announcements` }];
    },
  },
  {
    id: 'priority-only-service-allocation',
    releases: 'v0.13.8 to v0.14.9',
    from: [0, 13, 8],
    fixed: [0, 15, 0],
    summary:
      'a pool whose serviceAllocation sets no namespaces, namespaceSelectors or serviceSelectors (e.g. only priority) is neither pinned to any Service nor a fallback pool (those have no serviceAllocation), so MetalLB never assigns its addresses automatically; only the address-pool annotation or a requested IP uses it',
    link: 'https://github.com/metallb/metallb/pull/2714',
    fix: 'Upgrade to MetalLB v0.15.0 or later (a priority-only serviceAllocation then matches every Service), or drop serviceAllocation from the pool, or give it namespaces or serviceSelectors.',
    matches(state) {
      const out: KnownIssueMatch[] = [];
      for (const pool of state.metallbObjects('IPAddressPool')) {
        const spec = asRecord(pool.spec);
        const sa = spec.serviceAllocation;
        if (sa === null || typeof sa !== 'object' || Array.isArray(sa) || spec.autoAssign === false) continue;
        const r = asRecord(sa);
        if (['namespaces', 'namespaceSelectors', 'serviceSelectors'].some((k) => asArray(r[k]).length > 0)) continue;
        out.push({
          obj: pool,
          path: ['spec', 'serviceAllocation'],
          fact: `IPAddressPool ${nameOf(pool)}: serviceAllocation ${typeof r.priority === 'number' ? `has only priority ${r.priority}` : 'is empty'} (no namespaces, namespaceSelectors or serviceSelectors)`,
        });
      }
      return out;
    },
  },
  {
    id: 'pool-node-ip-check',
    releases: 'v0.15.0',
    from: [0, 15, 0],
    fixed: [0, 15, 1],
    summary:
      'v0.15.0 refuses a pool that contains a node\'s InternalIP ("pool cidr … contains nodeIp …"): the webhook rejects creating or changing any pool, and every speaker rejects the whole configuration and keeps its last valid one (the check was reverted in v0.15.1)',
    link: 'https://github.com/metallb/metallb/pull/2780',
    fix: 'Upgrade to MetalLB v0.15.1 or later, and take the node addresses out of the pool (see pool-includes-node-ip).',
    matches(state) {
      if (!state.isCaptured('Node')) return [];
      const nodeIPs: { node: string; ip: NonNullable<ReturnType<typeof parseIP>>; text: string }[] = [];
      for (const n of state.all('Node')) {
        for (const a of asArray(asRecord(n.status).addresses).map(asRecord)) {
          if (a.type !== 'InternalIP' || typeof a.address !== 'string') continue;
          const ip = parseIP(a.address);
          if (ip) nodeIPs.push({ node: nameOf(n), ip, text: a.address });
        }
      }
      const out: KnownIssueMatch[] = [];
      for (const pool of state.metallbObjects('IPAddressPool')) {
        for (const e of parsePool(pool).entries) {
          if (!e.result.ok) continue;
          const entry = e.result.entry;
          const hit = nodeIPs.find((n) => entry.cidrs.some((c) => cidrContainsIP(c, n.ip)));
          if (!hit) continue;
          const cidr = entry.cidrs.find((c) => cidrContainsIP(c, hit.ip))!;
          out.push({ obj: pool, path: ['spec', 'addresses', e.index], fact: `IPAddressPool ${nameOf(pool)}: ${e.text} (CIDR ${formatCIDR(cidr)}) contains Node ${hit.node}'s InternalIP ${hit.text}` });
          break;
        }
      }
      return out;
    },
  },
  {
    id: 'configurationstate-not-collected',
    releases: 'v0.15.3',
    from: [0, 15, 3],
    fixed: [0, 16, 0],
    summary:
      'ConfigurationState objects are created without an owner, so the speaker-<node> object of a removed node is never garbage-collected and keeps reporting its last result',
    link: 'https://github.com/metallb/metallb/pull/3017',
    fix: 'Delete the stale objects (kubectl delete configurationstate -n <metallb namespace> speaker-<node>), and upgrade to MetalLB v0.16.0 or later, where they are owned by the speaker pod.',
    matches(state) {
      if (!state.isCaptured('ConfigurationState')) return [];
      return state
        .metallbObjects('ConfigurationState')
        .filter((cs) => isOrphanConfigurationState(state, cs))
        .map((cs) => {
          const result = asRecord(cs.status).result;
          return {
            obj: cs,
            path: ['metadata', 'name'],
            fact: `ConfigurationState ${nameOf(cs)} belongs to node ${configurationStateNode(cs)}, which no longer exists${typeof result === 'string' ? ` (result ${result})` : ''}`,
          };
        });
    },
  },
];

/** The issues that affect a release. */
export function knownIssuesOf(r: Release): KnownIssue[] {
  return KNOWN_ISSUES.filter((i) => affects(i, r));
}
