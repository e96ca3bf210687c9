// Inputs and helpers shared by the layer 2 election and the BGP decision
// (metallb-semantics.md 4.1, 4.5; speaker/main.go, internal/k8s/nodes, internal/k8s/epslices).
import type { KubeObject } from '../../sources/types.js';
import type { LabelSelector } from '../kinds.js';
import { selectedNodes, selectedPools } from '../advertisements.js';
import { matchesSelector, validateSelector } from '../selectors.js';

/** Everything one speaker (any speaker: they all see the same objects) decides from. */
export interface AnnounceInput {
  nodes: readonly KubeObject[];
  pools: readonly KubeObject[];
  l2Advertisements: readonly KubeObject[];
  bgpAdvertisements: readonly KubeObject[];
  /** the v1beta2 view of every BGPPeer */
  peers: readonly KubeObject[];
  /** Community objects, to resolve aliases in BGPAdvertisement.communities (absent: aliases kept as written) */
  communities?: readonly KubeObject[];
  /** the EndpointSlices of a Service (those labelled kubernetes.io/service-name=<svc> in its namespace) */
  endpointSlices: (namespace: string, service: string) => readonly KubeObject[];
  /** memberlist enabled: the live members (node names); undefined: memberlist disabled, every Node counts */
  memberlistMembers?: ReadonlySet<string>;
  /** the speaker's --ignore-exclude-lb */
  ignoreExcludeLB: boolean;
  /**
   * The speaker refuses a Service with allow-shared-ip that an L2Advertisement with serviceSelectors
   * matches (sharedIPWithServiceSelector): MetalLB after v0.16.1. Default true (unknown version: HEAD).
   */
  refuseSharedIPWithServiceSelectors?: boolean;
  /**
   * L2Advertisement and BGPAdvertisement have serviceSelectors (v0.16.0+; before, the API server
   * drops the field and every advertisement of a pool matches every Service), and BGP's
   * ShouldAnnounce weighs the advertisements per node (conflictingAdvertisements; before, a
   * LOCAL_PREF conflict rejects the configuration instead). Default true.
   */
  serviceSelectors?: boolean;
  /** L2Advertisement.preferredNodeSelectors exists (after v0.16.1; before, the API server drops it). Default true. */
  preferredNodes?: boolean;
  /** The speaker honours the exclude-from-external-load-balancers label (v0.14.0+). Default true. */
  excludeLabel?: boolean;
  /**
   * The speaker honours the node condition NetworkUnavailable (v0.13.10+, "Respect node
   * NetworkUnavailable condition"; before, no MetalLB code reads it). Default true.
   */
  networkUnavailable?: boolean;
  /**
   * MetalLB v0.14.9 only: a cordoned node (spec.unschedulable) is unavailable, as NetworkUnavailable
   * is (nodeUnschedulable; reverted in v0.15.0). Default false.
   */
  cordonedUnavailable?: boolean;
  /**
   * FRR modes before v0.15.0: a BGP session carries both address families (multiprotocol BGP)
   * unless its BGPPeer sets disableMP. From v0.15.0, and in native mode, a session carries its
   * peer's own family only, unless the BGPPeer is unnumbered (interface) or sets
   * dualStackAddressFamily. Default false.
   */
  multiprotocolSessions?: boolean;
  /**
   * Memberlist is off and MetalLB predates v0.15.0: its speakers list no usable speaker, so the
   * layer 2 election has no candidate (metallb#2425). 'all' from v0.13.0; 'cluster-policy' before
   * (externalTrafficPolicy Local still took the nodes of its endpoints).
   */
  memberlistOffSilences?: 'all' | 'cluster-policy';
  /** the speaker's --disable-layer2: no layer 2 decision at all */
  disableLayer2?: boolean;
  /**
   * Which endpoint conditions count as serving (endpointCanServeAt): 'ready' before v0.14.0,
   * 'serving' from v0.14.0 to v0.14.4, 'canServe' from v0.14.5 (the default).
   */
  endpointConditions?: EndpointConditionRule;
  /**
   * BGP before v0.16.0 (hasHealthyEndpoint): an address is healthy only if every endpoint that
   * lists it (on the node, under Local policy) can serve; one that cannot vetoes the address.
   * Default false (v0.16.0 takes any endpoint with addresses that can serve).
   */
  bgpAddressVeto?: boolean;
  /**
   * Layer-2 winners already elected, by candidate list (names joined by NUL, in order) and then
   * address. An election is a function of those two alone, so a state and the what-ifs derived
   * from it share one: a failed node re-elects only the groups it was a candidate of.
   */
  elections?: Map<string, Map<string, string>>;
}

export type Rec = Record<string, unknown>;
export const rec = (v: unknown): Rec => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : {});
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
export const nameOf = (o: KubeObject): string => o.metadata?.name ?? '';
export const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

export const EXCLUDE_LB_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
export const ALLOW_SHARED_IP = 'metallb.io/allow-shared-ip';
export const ALLOW_SHARED_IP_DEPRECATED = 'metallb.universe.tf/allow-shared-ip';

/**
 * IsNetworkUnavailable: the first condition of type NetworkUnavailable has status "True" (a second
 * one, which only a hand-made Node has, is never read; absent node: false).
 */
export function isNetworkUnavailable(node: KubeObject | undefined): boolean {
  if (!node) return false;
  const c = list(rec(node.status).conditions).find((x) => rec(x).type === 'NetworkUnavailable');
  return c !== undefined && rec(c).status === 'True';
}

/** IsNodeExcludedFromBalancers: the label is present, whatever its value. */
export function isExcludedFromBalancers(node: KubeObject | undefined): boolean {
  return !!node && Object.prototype.hasOwnProperty.call(node.metadata?.labels ?? {}, EXCLUDE_LB_LABEL);
}

export type NodeLevelReason = 'nodeUnschedulable' | 'nodeNetworkUnavailable' | 'nodeLabeledExcludeBalancers';

/** A cordoned node: spec.unschedulable (what v0.14.9's IsNodeAvailable refused). */
export function isCordoned(node: KubeObject | undefined): boolean {
  return !!node && rec(node.spec).unschedulable === true;
}

/**
 * Why a node never announces, whatever the Service, in the order of MetalLB's IsNodeAvailable and
 * then the exclude label (unless ignored): computed once per node.
 */
const nodeReasons = new WeakMap<AnnounceInput, Map<string, NodeLevelReason | undefined>>();
export function nodeLevelReason(input: AnnounceInput, name: string): NodeLevelReason | undefined {
  let m = nodeReasons.get(input);
  if (!m) {
    m = new Map();
    for (const [n, node] of nodesByName(input.nodes)) {
      m.set(
        n,
        input.cordonedUnavailable && isCordoned(node)
          ? 'nodeUnschedulable'
          : input.networkUnavailable !== false && isNetworkUnavailable(node)
            ? 'nodeNetworkUnavailable'
            : !input.ignoreExcludeLB && input.excludeLabel !== false && isExcludedFromBalancers(node)
              ? 'nodeLabeledExcludeBalancers'
              : undefined,
      );
    }
    nodeReasons.set(input, m);
  }
  return m.get(name);
}

/** EndpointCanServe: `ready` unset or true, or `serving` true (terminating-but-serving counts). */
export function endpointCanServe(conditions: unknown): boolean {
  const c = rec(conditions);
  if (c.ready === undefined || c.ready === null || c.ready === true) return true;
  return c.serving === true;
}

/**
 * How a release of the speaker reads an endpoint's conditions (internal/k8s/epslices):
 * - 'ready' (before v0.14.0, IsConditionReady): `ready` unset or true; a terminating pod that
 *   still serves (ready false, serving true) does not count;
 * - 'serving' (v0.14.0 to v0.14.4, IsConditionServing): `serving` when set, else `ready` when
 *   set, else true;
 * - 'canServe' (v0.14.5 on, EndpointCanServe): endpointCanServe.
 */
export type EndpointConditionRule = 'ready' | 'serving' | 'canServe';

export function endpointCanServeAt(conditions: unknown, rule: EndpointConditionRule | undefined): boolean {
  if (rule === undefined || rule === 'canServe') return endpointCanServe(conditions);
  const c = rec(conditions);
  const ready = c.ready === undefined || c.ready === null || c.ready === true;
  if (rule === 'ready') return ready;
  return c.serving === undefined || c.serving === null ? ready : c.serving === true;
}

export interface Endpoint {
  nodeName?: string;
  hasAddresses: boolean;
  canServe: boolean;
  /** the endpoint's addresses as written (read by the BGP address veto before v0.16.0) */
  addresses: readonly unknown[];
}

const NO_ADDRESSES: readonly unknown[] = Object.freeze([]);

export function endpointsOf(slices: readonly KubeObject[], rule?: EndpointConditionRule): Endpoint[] {
  // counted first: an array of the endpoints' number, not one grown by pushes (one per Service)
  let n = 0;
  for (const s of slices) n += list(s.endpoints).length;
  const out = new Array<Endpoint>(n);
  let k = 0;
  for (const s of slices) {
    for (const e of list(s.endpoints)) {
      const ep = rec(e);
      const canServe = endpointCanServeAt(ep.conditions, rule);
      const addresses = Array.isArray(ep.addresses) ? ep.addresses : NO_ADDRESSES;
      const hasAddresses = addresses.length > 0;
      // one object shape whether or not nodeName is set (a spread per endpoint cost 1 µs each)
      out[k++] = typeof ep.nodeName === 'string' ? { nodeName: ep.nodeName, hasAddresses, canServe, addresses } : { hasAddresses, canServe, addresses };
    }
  }
  return out;
}

/**
 * hasHealthyEndpoint of the BGP speaker before v0.16.0 over the given endpoints: some address
 * whose every listing can serve (an endpoint that cannot serve marks its addresses unhealthy,
 * whatever another slice says of them).
 */
export function hasHealthyAddress(endpoints: readonly Endpoint[]): boolean {
  // the usual cases need no table: no serving endpoint lists an address (none is healthy), or
  // none that cannot serve lists one (every listed address is)
  let served = false;
  let vetoed = false;
  for (const e of endpoints) {
    if (e.addresses.length === 0) continue;
    if (e.canServe) served = true;
    else vetoed = true;
  }
  if (!served || !vetoed) return served;
  const healthy = new Map<unknown, boolean>();
  for (const e of endpoints) {
    for (const a of e.addresses) {
      if (!e.canServe) healthy.set(a, false);
      else if (!healthy.has(a)) healthy.set(a, true);
    }
  }
  for (const ok of healthy.values()) if (ok) return true;
  return false;
}

/** An advertisement's serviceSelectors: empty = every service; otherwise any (valid) one matches. */
export function adMatchesService(ad: KubeObject, service: KubeObject): boolean {
  const sels = list(rec(ad.spec).serviceSelectors);
  if (sels.length === 0) return true;
  return sels.some((s) => validateSelector(s) === undefined && matchesSelector(s as LabelSelector, service.metadata?.labels));
}

export function hasServiceSelectors(ad: KubeObject): boolean {
  return list(rec(ad.spec).serviceSelectors).length > 0;
}

export function allowsSharedIP(service: KubeObject): boolean {
  const a = service.metadata?.annotations ?? {};
  return Object.prototype.hasOwnProperty.call(a, ALLOW_SHARED_IP) || Object.prototype.hasOwnProperty.call(a, ALLOW_SHARED_IP_DEPRECATED);
}

// Per-list caches: callers pass the same arrays for every Service, so these are built once.
const nodeMaps = new WeakMap<readonly KubeObject[], Map<string, KubeObject>>();
export function nodesByName(nodes: readonly KubeObject[]): Map<string, KubeObject> {
  let m = nodeMaps.get(nodes);
  if (!m) {
    m = new Map();
    for (const n of nodes) if (!m.has(nameOf(n))) m.set(nameOf(n), n);
    nodeMaps.set(nodes, m);
  }
  return m;
}

// every node: one Set per node list, shared by every owner without nodeSelectors
const allNameSets = new WeakMap<readonly KubeObject[], ReadonlySet<string>>();
function allNames(nodes: readonly KubeObject[]): ReadonlySet<string> {
  let s = allNameSets.get(nodes);
  if (!s) allNameSets.set(nodes, (s = new Set(nodesByName(nodes).keys())));
  return s;
}

/** The node names an advertisement or BGPPeer selects; `all` when it has no nodeSelectors (the common, compact case). */
export interface NodeSet {
  all: boolean;
  names: ReadonlySet<string>;
  /** the compact form results carry: 'all', or the names (one array per object, shared by every result) */
  compact: 'all' | readonly string[];
}
const nodeSets = new WeakMap<readonly KubeObject[], WeakMap<KubeObject, NodeSet>>();
export function nodeSetOf(owner: KubeObject, nodes: readonly KubeObject[]): NodeSet {
  let perList = nodeSets.get(nodes);
  if (!perList) nodeSets.set(nodes, (perList = new WeakMap()));
  let s = perList.get(owner);
  if (!s) {
    const all = list(rec(owner.spec).nodeSelectors).length === 0;
    const names = all ? allNames(nodes) : new Set(selectedNodes(owner, nodes).map(nameOf));
    s = { all, names, compact: all ? 'all' : Object.freeze([...names]) };
    perList.set(owner, s);
  }
  return s;
}

/** The advertisements attached to a pool (setL2/BGPAdvertisementsToPools), in input order. */
const attachments = new WeakMap<readonly KubeObject[], { pools: readonly KubeObject[]; byPool: Map<KubeObject, KubeObject[]> }>();
export function adsOfPool(ads: readonly KubeObject[], pools: readonly KubeObject[], pool: KubeObject): KubeObject[] {
  let a = attachments.get(ads);
  if (!a || a.pools !== pools) {
    a = { pools, byPool: new Map() };
    for (const ad of ads) {
      for (const p of selectedPools(ad, pools)) {
        const l = a.byPool.get(p);
        if (l) l.push(ad);
        else a.byPool.set(p, [ad]);
      }
    }
    attachments.set(ads, a);
  }
  return a.byPool.get(pool) ?? [];
}

/** An object's node set as results carry it. */
export interface NodeScope {
  name: string;
  nodes: 'all' | readonly string[];
}
/** Whether a scope holds a node ('all' holds every Node object; pass node names of Node objects). */
export const inScope = (s: NodeScope, node: string): boolean => s.nodes === 'all' || nameSet(s.nodes).has(node);

/** Whether any of the scopes holds the node (a loop, not a closure per node). */
export function inAnyScope(scopes: readonly NodeScope[], node: string): boolean {
  for (const s of scopes) if (inScope(s, node)) return true;
  return false;
}

// the compact node lists are shared by every result of one advertisement or peer: one Set each
const nameSets = new WeakMap<readonly string[], ReadonlySet<string>>();
function nameSet(names: readonly string[]): ReadonlySet<string> {
  let s = nameSets.get(names);
  if (!s) nameSets.set(names, (s = new Set(names)));
  return s;
}

// exclusion lists are shared by every result of the same advertisements: one Set of names each
const excludedSets = new WeakMap<readonly { node: string }[], ReadonlySet<string>>();
/** The node names of an exclusion list (L2Result.excluded, BGPResult.excluded). */
export function excludedNames(list: readonly { node: string }[]): ReadonlySet<string> {
  let s = excludedSets.get(list);
  if (!s) excludedSets.set(list, (s = new Set(list.map((e) => e.node))));
  return s;
}

/** A cache of perMatchingAds: per input, per pool, per pattern of matching advertisements. */
export type MatchingAdsCache<G> = WeakMap<AnnounceInput, WeakMap<KubeObject, Map<string, G>>>;

/**
 * What is the same for every Service of a pool whose matching advertisements are the same: built
 * once per such group (`build` gets the pool's matching and other advertisements, in input order,
 * and the input and pool, so that it need not be a closure made per Service).
 */
export function perMatchingAds<G>(
  cache: MatchingAdsCache<G>,
  input: AnnounceInput,
  pool: KubeObject,
  poolAds: readonly KubeObject[],
  matches: (ad: KubeObject) => boolean,
  build: (matching: KubeObject[], others: KubeObject[], input: AnnounceInput, pool: KubeObject) => G,
): G {
  let perInput = cache.get(input);
  if (!perInput) cache.set(input, (perInput = new WeakMap()));
  let perPool = perInput.get(pool);
  if (!perPool) perInput.set(pool, (perPool = new Map()));
  // which of the pool's advertisements match: as a key, one character per advertisement
  let k = '';
  for (const a of poolAds) k += matches(a) ? '1' : '0';
  let g = perPool.get(k);
  if (g === undefined) {
    g = build(
      poolAds.filter((_, i) => k[i] === '1'),
      poolAds.filter((_, i) => k[i] !== '1'),
      input,
      pool,
    );
    perPool.set(k, g);
  }
  return g;
}
