// Discovery documents: what kubectl asks before its real request to map `svc` or
// `bgppeers.metallb.io` to a URL. Both forms: the legacy one (/api, /apis, one APIResourceList per
// group/version) and the aggregated one (kubectl 1.30+ asks for apidiscovery.k8s.io/v2 and then
// makes no per-group requests). kube-api-notes.md, section 2.
import { VERBS, groupVersion, type ApiResource, type ResourceCatalog } from './resources.js';

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

/** An Accept header as media types, in order (`a/b;k=v, c/d`). */
export function parseAccept(header: string | undefined): MediaType[] {
  if (!header) return [];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const eq = kv.indexOf('=');
      if (eq > 0) p[kv.slice(0, eq).trim().toLowerCase()] = kv.slice(eq + 1).trim();
    }
    return { type: type.toLowerCase(), params: p };
  });
}

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** Whether the client accepts aggregated discovery v2 (v2beta1-only clients get the legacy form). */
export function wantsAggregated(accept: MediaType[]): boolean {
  return accept.some((m) => m.type === 'application/json' && m.params.g === 'apidiscovery.k8s.io' && m.params.v === 'v2' && m.params.as === 'APIGroupDiscoveryList');
}

const subresourceVerbs = (sub: string) => (sub === 'log' ? ['get'] : ['get', 'patch', 'update']);

export function apiVersions(host: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }] };
}

function groupEntry(catalog: ResourceCatalog, name: string): object | undefined {
  const g = catalog.group(name);
  if (!g) return undefined;
  const versions = g.versions.map((version) => ({ groupVersion: `${name}/${version}`, version }));
  return { name, versions, preferredVersion: versions[0] };
}

export function apiGroupList(catalog: ResourceCatalog): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: catalog
      .groups()
      .filter((g) => g.name !== '')
      .map((g) => groupEntry(catalog, g.name)),
  };
}

export function apiGroup(catalog: ResourceCatalog, name: string): object | undefined {
  const e = groupEntry(catalog, name);
  return e && { kind: 'APIGroup', apiVersion: 'v1', ...e };
}

export function apiResourceList(catalog: ResourceCatalog, group: string, version: string): object | undefined {
  const resources = catalog.resources(group, version);
  if (resources.length === 0) return undefined;
  const entries: object[] = [];
  for (const r of resources) {
    entries.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const sub of r.subresources) entries.push({ name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: subresourceVerbs(sub) });
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources: entries };
}

function aggregatedResource(r: ApiResource): object {
  const responseKind = { group: r.group, version: r.version, kind: r.kind };
  return {
    resource: r.plural,
    responseKind,
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: VERBS,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length ? { subresources: r.subresources.map((s) => ({ subresource: s, responseKind, verbs: subresourceVerbs(s) })) } : {}),
  };
}

/** /api (core: true) or /apis as an APIGroupDiscoveryList (apidiscovery.k8s.io/v2). */
export function aggregatedDiscovery(catalog: ResourceCatalog, core: boolean): object {
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: catalog
      .groups()
      .filter((g) => (g.name === '') === core)
      .map((g) => ({
        metadata: { name: g.name },
        versions: g.versions.map((version) => ({ version, resources: catalog.resources(g.name, version).map(aggregatedResource), freshness: 'Current' })),
      })),
  };
}
