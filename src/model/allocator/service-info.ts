// What the controller reads from a Service (controller/service.go, k8salloc, ipfamily): keys,
// family, policy, requests, sharing and backend keys, ports. Error texts are MetalLB's own.
import type { KubeObject } from '../../sources/types.js';
import { formatIP, goQuote, goTrimSpace, ipFamily, parseIP, type IP } from '../address.js';

export type ServiceFamily = 'ipv4' | 'ipv6' | 'dual';
export type FamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';

export const ANNOTATION_ADDRESS_POOL = 'metallb.io/address-pool';
export const ANNOTATION_LOADBALANCER_IPS = 'metallb.io/loadBalancerIPs';
export const ANNOTATION_ALLOW_SHARED_IP = 'metallb.io/allow-shared-ip';
export const ANNOTATION_IP_ALLOCATED_FROM_POOL = 'metallb.io/ip-allocated-from-pool';
export const DEPRECATED_PREFIX = 'metallb.universe.tf/';

export interface Port {
  proto: string;
  port: number;
}

export interface ServiceInfo {
  svc: KubeObject;
  /** "namespace/name", the allocator's service key */
  key: string;
  namespace: string;
  labels: Record<string, string>;
  type: unknown;
  loadBalancerClass: string | undefined;
  clusterIPs: string[];
  /** spec.clusterIPs as written (or stood in), without the spec.clusterIP fallback of `clusterIPs` */
  rawClusterIPs: string[];
  policy: FamilyPolicy;
  /** spec.ipFamilies[0] === 'IPv6' makes IPv6 the primary family for PreferDualStack */
  ipv6Primary: boolean;
  ports: Port[];
  /** "proto/port" of each port, in order: how the allocator tells the ports in use on an address */
  portKeys: string[];
  sharingKey: string;
  backendKey: string;
  /** the two keys together, as the allocator records them on each address it assigns */
  keys: { sharing: string; backend: string };
  desiredPool: string;
  /** the loadBalancerIPs annotation as read (desiredLbIPs parses it when asked) */
  lbIPsAnnotation: string;
  /** before v0.14.9: MetalLB reads only the metallb.universe.tf/* annotations */
  legacyAnnotations: boolean;
  /** status.loadBalancer.ingress[].ip, non-empty ones, as written */
  statusIPs: string[];
  /**
   * What decides which used addresses block this Service while it holds none (sharing key,
   * backend key, ports), prefixed by family: the allocator caches first-free answers by it.
   */
  blockingSignature4: string;
  blockingSignature6: string;
  /** desiredLbIPs' answer, once asked (its list frozen: it is shared) */
  desired?: DesiredIPs;
  /** familyForAddresses(clusterIPs), once asked (see clusterFamily) */
  clusterFamily?: { family: ServiceFamily } | { error: string };
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : NONE;
}
// what rec gives for a missing object: only ever read, so one for all
const NONE: Record<string, unknown> = Object.freeze({});

/** The strings of a list: the list itself when it holds nothing else (the usual case), as objects are never changed. */
function strings(list: unknown[]): string[] {
  for (const x of list) if (typeof x !== 'string') return list.filter((y): y is string => typeof y === 'string');
  return list as string[];
}

/**
 * "proto/port", one text per pair for all Services: most Services expose a few common ports, and
 * each info keeps its keys as long as the simulation lives.
 */
function portKey(proto: string, port: number): string {
  let byPort = portKeys.get(proto);
  if (!byPort) portKeys.set(proto, (byPort = new Map()));
  let k = byPort.get(port);
  if (k === undefined) byPort.set(port, (k = `${proto}/${port}`));
  return k;
}
const portKeys = new Map<string, Map<number, string>>();

/** status.loadBalancer.ingress[].ip, the non-empty ones, in a list of their number. */
function ingressIPs(ingress: unknown[]): string[] {
  let n = 0;
  for (const ing of ingress) {
    const ip = rec(ing).ip;
    if (typeof ip === 'string' && ip !== '') n++;
  }
  if (n === ingress.length) return ingress.map((ing) => rec(ing).ip as string);
  const out: string[] = [];
  for (const ing of ingress) {
    const ip = rec(ing).ip;
    if (typeof ip === 'string' && ip !== '') out.push(ip);
  }
  return out;
}

function strMap(v: unknown): Record<string, string> {
  const r = rec(v);
  // the usual case, every value a string: the object itself, not a copy per Service
  let clean = true;
  for (const k in r) if (typeof r[k] !== 'string') clean = false;
  if (clean) return r as Record<string, string>;
  const out: Record<string, string> = {};
  for (const k in r) if (typeof r[k] === 'string') out[k] = r[k];
  return out;
}

/**
 * valueForAnnotation: the metallb.io key wins when present, even with an empty value. Before
 * v0.14.9 (`legacyOnly`) MetalLB knows only the metallb.universe.tf key.
 */
export function annotationValue(annotations: Record<string, string>, name: string, legacyOnly = false): string {
  let keys = annotationKeys.get(name);
  if (!keys) annotationKeys.set(name, (keys = [`metallb.io/${name}`, `${DEPRECATED_PREFIX}${name}`]));
  if (!legacyOnly && Object.prototype.hasOwnProperty.call(annotations, keys[0])) return annotations[keys[0]]!;
  return Object.prototype.hasOwnProperty.call(annotations, keys[1]) ? annotations[keys[1]]! : '';
}
// the two keys of each annotation name, built once (a handful of names, asked per Service)
const annotationKeys = new Map<string, readonly [string, string]>();

/** What the input lacks and the caller stands in (a manifest has no clusterIPs, may have no namespace). */
export interface ServiceStandIn {
  clusterIPs?: string[];
  namespace?: string;
}

/** The annotation key MetalLB reads a value from: the metallb.io one when present (from v0.14.9), else the old one; undefined when neither is set. */
export function annotationKey(annotations: Record<string, unknown>, name: string, legacyOnly = false): string | undefined {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(annotations, k);
  if (!legacyOnly && has(`metallb.io/${name}`)) return `metallb.io/${name}`;
  return has(`${DEPRECATED_PREFIX}${name}`) ? `${DEPRECATED_PREFIX}${name}` : undefined;
}

export function serviceInfo(svc: KubeObject, standIn?: ServiceStandIn, legacyAnnotations = false): ServiceInfo {
  const spec = rec(svc.spec);
  const meta = svc.metadata ?? {};
  const annotations = strMap(meta.annotations);
  const namespace = standIn?.namespace ?? (typeof meta.namespace === 'string' ? meta.namespace : '');
  const clusterIPs = standIn?.clusterIPs ?? (Array.isArray(spec.clusterIPs) ? strings(spec.clusterIPs) : []);
  const policy: FamilyPolicy =
    spec.ipFamilyPolicy === 'PreferDualStack' || spec.ipFamilyPolicy === 'RequireDualStack' ? spec.ipFamilyPolicy : 'SingleStack';
  const ipFamilies = Array.isArray(spec.ipFamilies) ? spec.ipFamilies : [];
  // lists made at their size (map): the info lives as long as the simulation
  const ports: Port[] = Array.isArray(spec.ports)
    ? spec.ports.map((p) => {
        const r = rec(p);
        // the API server defaults protocol to TCP; a manifest may omit it
        return { proto: typeof r.protocol === 'string' ? r.protocol : 'TCP', port: Number(r.port ?? 0) };
      })
    : [];
  // k8salloc.BackendKey: labels.Set(selector).String() for Local, else ""
  let backendKey = '';
  if (spec.externalTrafficPolicy === 'Local') {
    const sel = strMap(spec.selector);
    backendKey = Object.keys(sel)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map((k) => `${k}=${sel[k]}`)
      .join(',');
  }
  const ingress = rec(rec(svc.status).loadBalancer).ingress;
  const statusIPs = Array.isArray(ingress) ? ingressIPs(ingress) : [];
  const cls = spec.loadBalancerClass;
  const sharingKey = annotationValue(annotations, 'allow-shared-ip', legacyAnnotations);
  // without a sharing key every address carrying a key blocks, whatever the ports
  const portKeys = ports.map((p) => portKey(p.proto, p.port));
  const sig = sharingKey === '' ? '' : `${sharingKey}\u0000${backendKey}\u0000${[...portKeys].sort().join(',')}`;
  return {
    svc,
    key: `${namespace}/${meta.name ?? ''}`,
    namespace,
    labels: strMap(meta.labels),
    type: spec.type,
    loadBalancerClass: typeof cls === 'string' && cls !== '' ? cls : undefined,
    rawClusterIPs: clusterIPs,
    clusterIPs:
      clusterIPs.length > 0 ? clusterIPs : typeof spec.clusterIP === 'string' && spec.clusterIP !== '' ? [spec.clusterIP] : [],
    policy,
    ipv6Primary: ipFamilies[0] === 'IPv6',
    ports,
    portKeys,
    sharingKey,
    backendKey,
    keys: { sharing: sharingKey, backend: backendKey },
    desiredPool: annotationValue(annotations, 'address-pool', legacyAnnotations),
    lbIPsAnnotation: annotationValue(annotations, 'loadBalancerIPs', legacyAnnotations),
    legacyAnnotations,
    statusIPs,
    blockingSignature4: `4\u0000${sig}`,
    blockingSignature6: `6\u0000${sig}`,
    // every field set up front: infos share one object shape
    desired: undefined,
    clusterFamily: undefined,
  };
}

/** Go's %q of a []string or of a []net.IP (Stringer): `["a" "b"]`. */
export function goQuoteList(items: readonly string[]): string {
  return `[${items.map(goQuote).join(' ')}]`;
}

/** net.IP.String(), with Go's "<nil>" for a missing address. */
export function ipText(ip: IP | undefined): string {
  return ip ? formatIP(ip) : '<nil>';
}

export function ipsText(ips: readonly (IP | undefined)[]): string {
  return goQuoteList(ips.map(ipText));
}

// the family answers, one of each shared by every Service (they are only read)
type FamilyAnswer = { family: ServiceFamily } | { error: string };
const FAMILY_IPV4: FamilyAnswer = Object.freeze({ family: 'ipv4' });
const FAMILY_IPV6: FamilyAnswer = Object.freeze({ family: 'ipv6' });
const FAMILY_DUAL: FamilyAnswer = Object.freeze({ family: 'dual' });

/** ipfamily.ForAddresses */
export function familyForAddresses(texts: readonly string[]): { family: ServiceFamily } | { error: string } {
  // the families alone: no address value is built
  if (texts.length === 1) {
    const f = ipFamily(texts[0]!);
    if (f === undefined) return { error: `IPFamilyForAddresses: Invalid address ${goQuoteList(texts)}` };
    return f === 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  }
  if (texts.length === 2) {
    const a = ipFamily(texts[0]!);
    const b = ipFamily(texts[1]!);
    if (a === undefined || b === undefined) return { error: `IPFamilyForAddresses: Invalid address ${goQuoteList(texts)}` };
    if (a === b) return { error: `IPFamilyForAddresses: same address family ${goQuoteList(texts)}` };
    return FAMILY_DUAL;
  }
  return { error: `IPFamilyForAddresses: invalid ips length ${texts.length} ${goQuoteList(texts)}` };
}

/** The family ForAddresses finds in an IP's text: an IPv4-mapped IPv6 value reads back as IPv4. */
function textFamily(ip: IP | undefined): 4 | 6 | undefined {
  if (!ip) return undefined;
  return ip.family === 6 && ip.value >> 32n === 0xffffn ? 4 : ip.family;
}

export function familyForIPs(ips: readonly (IP | undefined)[]): { family: ServiceFamily } | { error: string } {
  // the answer of ForAddresses over the IPs' texts without writing and reading them again; the
  // errors, which quote the texts, go the long way
  if (ips.length === 1) {
    const f = textFamily(ips[0]);
    if (f !== undefined) return f === 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  } else if (ips.length === 2) {
    const a = textFamily(ips[0]);
    const b = textFamily(ips[1]);
    if (a !== undefined && b !== undefined && a !== b) return FAMILY_DUAL;
  }
  return familyForAddresses(ips.map(ipText));
}

export type DesiredIPs = { ips: IP[]; family?: ServiceFamily } | { error: string };

/**
 * getDesiredLbIPs: the requested addresses (annotation or spec.loadBalancerIP) and their family.
 * Once per info (the allocator asks up to three times per Service, rules again): the answer is
 * shared, so its list is frozen (one frozen answer for the many Services requesting nothing:
 * Object.freeze is a call into the runtime).
 */
export function desiredLbIPs(info: ServiceInfo): DesiredIPs {
  let d = info.desired;
  if (d === undefined) {
    d = readDesiredLbIPs(info);
    if ('ips' in d && d !== NOTHING_DESIRED) Object.freeze(d.ips);
    info.desired = d;
  }
  return d;
}
const NOTHING_DESIRED: DesiredIPs = Object.freeze({ ips: Object.freeze([] as IP[]) as IP[] });

/** familyForAddresses of the Service's clusterIPs, once per info. */
export function clusterFamily(info: ServiceInfo): { family: ServiceFamily } | { error: string } {
  return (info.clusterFamily ??= familyForAddresses(info.clusterIPs));
}

function readDesiredLbIPs(info: ServiceInfo): DesiredIPs {
  const fromAnnotation = info.lbIPsAnnotation;
  const key = info.legacyAnnotations ? `${DEPRECATED_PREFIX}loadBalancerIPs` : ANNOTATION_LOADBALANCER_IPS;
  const lbIP = rec(info.svc.spec).loadBalancerIP;
  const specIP = typeof lbIP === 'string' ? lbIP : '';
  if (fromAnnotation === '' && specIP === '') return NOTHING_DESIRED;
  if (fromAnnotation !== '' && specIP !== '') {
    return { error: `service can not have both ${key} and svc.Spec.LoadBalancerIP` };
  }
  if (fromAnnotation !== '') {
    const ips: IP[] = [];
    for (const part of fromAnnotation.split(',')) {
      const ip = parseIP(goTrimSpace(part));
      if (!ip) return { error: `invalid ${key}: ${goQuote(fromAnnotation)}` };
      ips.push(ip);
    }
    const fam = familyForIPs(ips);
    if ('error' in fam) return fam;
    return { ips, family: fam.family };
  }
  const ip = parseIP(specIP);
  if (!ip) return { error: `invalid spec.loadBalancerIP ${goQuote(specIP)}` };
  return { ips: [ip], family: ip.family === 4 ? 'ipv4' : 'ipv6' };
}
