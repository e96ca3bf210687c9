// The resource table of a replayed cluster: which REST resources the API serves (the built-in
// ones of Kubernetes, the served versions of the captured CustomResourceDefinitions, and a guess
// for any other kind the input holds), and how kubectl names them (plural, singular, short names).
// Discovery (discovery.ts) and routing (server.ts) read this table; it does no I/O.
import type { KubeObject } from '../sources/types.js';
import { asArray, asRecord } from '../state/cluster-state.js';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority: number;
  /** a CRD's jsonPath (simple dotted paths and [N] indexes) */
  jsonPath: string;
}

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  /** the REST name: `pods`, `ipaddresspools` */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** subresources served: `status` (the object again) and `log` (pods) */
  subresources: string[];
  /** from a CRD (or guessed for a custom kind): tables from printer columns, items keep kind/apiVersion */
  custom: boolean;
  /** a CRD version's additionalPrinterColumns (undefined: NAME and AGE) */
  printerColumns?: PrinterColumn[];
  /** a CRD version's selectableFields, as field selector names (`spec.color`) */
  selectableFields?: string[];
}

/** Every verb a real API server lists; replay refuses all but get, list and watch (405). */
export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export const groupVersion = (r: { group: string; version: string }): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** `pods`, `statefulsets.apps`: how the API server names a resource in messages. */
export const qualifiedName = (r: ApiResource): string => (r.group ? `${r.plural}.${r.group}` : r.plural);

/**
 * The key of a resource's objects: its group and kind. Core Events and events.k8s.io Events are
 * one set of objects served two ways, as on a real API server.
 */
export function storageKey(group: string, kind: string): string {
  return kind === 'Event' && group === 'events.k8s.io' ? '/Event' : `${group}/${kind}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

// [group/version, kind, plural, namespaced, shortNames, categories, subresources]
type Row = [string, string, string, boolean, string[]?, string[]?, string[]?];
const ALL = ['all'];
/** The built-in resources of Kubernetes 1.31 that a support engineer may ask for. */
const BUILTIN: Row[] = [
  ['v1', 'Binding', 'bindings', true],
  ['v1', 'ComponentStatus', 'componentstatuses', false, ['cs']],
  ['v1', 'ConfigMap', 'configmaps', true, ['cm']],
  ['v1', 'Endpoints', 'endpoints', true, ['ep']],
  ['v1', 'Event', 'events', true, ['ev']],
  ['v1', 'LimitRange', 'limitranges', true, ['limits']],
  ['v1', 'Namespace', 'namespaces', false, ['ns'], [], ['status']],
  ['v1', 'Node', 'nodes', false, ['no'], [], ['status']],
  ['v1', 'PersistentVolumeClaim', 'persistentvolumeclaims', true, ['pvc'], [], ['status']],
  ['v1', 'PersistentVolume', 'persistentvolumes', false, ['pv'], [], ['status']],
  ['v1', 'Pod', 'pods', true, ['po'], ALL, ['log', 'status']],
  ['v1', 'PodTemplate', 'podtemplates', true],
  ['v1', 'ReplicationController', 'replicationcontrollers', true, ['rc'], ALL, ['status']],
  ['v1', 'ResourceQuota', 'resourcequotas', true, ['quota'], [], ['status']],
  ['v1', 'Secret', 'secrets', true],
  ['v1', 'ServiceAccount', 'serviceaccounts', true, ['sa']],
  ['v1', 'Service', 'services', true, ['svc'], ALL, ['status']],
  ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'mutatingwebhookconfigurations', false, [], ['api-extensions']],
  ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'validatingwebhookconfigurations', false, [], ['api-extensions']],
  ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'customresourcedefinitions', false, ['crd', 'crds'], ['api-extensions'], ['status']],
  ['apiregistration.k8s.io/v1', 'APIService', 'apiservices', false, [], ['api-extensions'], ['status']],
  ['apps/v1', 'ControllerRevision', 'controllerrevisions', true],
  ['apps/v1', 'DaemonSet', 'daemonsets', true, ['ds'], ALL, ['status']],
  ['apps/v1', 'Deployment', 'deployments', true, ['deploy'], ALL, ['status']],
  ['apps/v1', 'ReplicaSet', 'replicasets', true, ['rs'], ALL, ['status']],
  ['apps/v1', 'StatefulSet', 'statefulsets', true, ['sts'], ALL, ['status']],
  ['autoscaling/v2', 'HorizontalPodAutoscaler', 'horizontalpodautoscalers', true, ['hpa'], ALL, ['status']],
  ['batch/v1', 'CronJob', 'cronjobs', true, ['cj'], ALL, ['status']],
  ['batch/v1', 'Job', 'jobs', true, [], ALL, ['status']],
  ['certificates.k8s.io/v1', 'CertificateSigningRequest', 'certificatesigningrequests', false, ['csr'], [], ['status']],
  ['coordination.k8s.io/v1', 'Lease', 'leases', true],
  ['discovery.k8s.io/v1', 'EndpointSlice', 'endpointslices', true],
  ['events.k8s.io/v1', 'Event', 'events', true, ['ev']],
  ['networking.k8s.io/v1', 'IngressClass', 'ingressclasses', false],
  ['networking.k8s.io/v1', 'Ingress', 'ingresses', true, ['ing'], [], ['status']],
  ['networking.k8s.io/v1', 'NetworkPolicy', 'networkpolicies', true, ['netpol']],
  ['node.k8s.io/v1', 'RuntimeClass', 'runtimeclasses', false],
  ['policy/v1', 'PodDisruptionBudget', 'poddisruptionbudgets', true, ['pdb'], [], ['status']],
  ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
  ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
  ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true],
  ['rbac.authorization.k8s.io/v1', 'Role', 'roles', true],
  ['scheduling.k8s.io/v1', 'PriorityClass', 'priorityclasses', false, ['pc']],
  ['storage.k8s.io/v1', 'CSIDriver', 'csidrivers', false],
  ['storage.k8s.io/v1', 'CSINode', 'csinodes', false],
  ['storage.k8s.io/v1', 'StorageClass', 'storageclasses', false, ['sc']],
  ['storage.k8s.io/v1', 'VolumeAttachment', 'volumeattachments', false, [], [], ['status']],
];

/** The built-in API groups in the order a real server lists them (kubectl prefers earlier groups). */
const GROUP_ORDER = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
];

/** Whether a group is one of Kubernetes' own (not a CRD's). */
export function isBuiltinGroup(group: string): boolean {
  return GROUP_ORDER.includes(group);
}

function builtinResources(): ApiResource[] {
  return BUILTIN.map(([gv, kind, plural, namespaced, shortNames = [], categories = [], subresources = []]) => ({
    ...splitApiVersion(gv),
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    categories,
    subresources,
    custom: false,
  }));
}

/** kubectl's guess of a kind's resource name (meta.UnsafeGuessKindToResource). */
export function guessPlural(kind: string): string {
  const k = kind.toLowerCase();
  if (k.endsWith('s')) return `${k}es`;
  if (k.endsWith('y')) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

const strings = (v: unknown): string[] => asArray(v).filter((s): s is string => typeof s === 'string');

/** The resources a CustomResourceDefinition serves: one per served version. */
export function crdResources(crd: KubeObject): ApiResource[] {
  const spec = asRecord(crd.spec);
  const names = asRecord(spec.names);
  const group = spec.group;
  const kind = names.kind;
  const plural = names.plural;
  if (typeof group !== 'string' || typeof kind !== 'string' || typeof plural !== 'string' || !group || !plural) return [];
  const out: ApiResource[] = [];
  for (const v of asArray(spec.versions).map(asRecord)) {
    if (typeof v.name !== 'string' || v.served === false) continue;
    const columns = asArray(v.additionalPrinterColumns).map(asRecord);
    out.push({
      group,
      version: v.name,
      kind,
      plural,
      singular: typeof names.singular === 'string' && names.singular ? names.singular : kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: strings(names.shortNames),
      categories: strings(names.categories),
      subresources: asRecord(v.subresources).status !== undefined ? ['status'] : [],
      custom: true,
      printerColumns:
        columns.length === 0
          ? undefined
          : columns
              .filter((c) => typeof c.name === 'string' && typeof c.jsonPath === 'string')
              .map((c) => ({
                name: c.name as string,
                type: typeof c.type === 'string' ? c.type : 'string',
                format: typeof c.format === 'string' ? c.format : undefined,
                description: typeof c.description === 'string' ? c.description : undefined,
                priority: typeof c.priority === 'number' ? c.priority : 0,
                jsonPath: c.jsonPath as string,
              })),
      selectableFields: asArray(v.selectableFields)
        .map((f) => asRecord(f).jsonPath)
        .filter((p): p is string => typeof p === 'string')
        .map((p) => p.replace(/^\./, '')),
    });
  }
  return out;
}

/**
 * Kubernetes' version priority (CompareKubeAwareVersionStrings): GA before beta before alpha,
 * higher numbers first; names that are not versions last, alphabetically.
 */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    return m ? { major: Number(m[1]), stage: m[2] === undefined ? 2 : m[2] === 'beta' ? 1 : 0, minor: Number(m[3] ?? 0) } : undefined;
  };
  const x = parse(a);
  const y = parse(b);
  if (x && y) return y.stage - x.stage || y.major - x.major || y.minor - x.minor;
  if (x) return -1;
  if (y) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface ApiGroup {
  name: string;
  /** by priority: the first is the preferred version */
  versions: string[];
}

/** Every resource the replayed API serves, by group/version, in discovery order. */
export class ResourceCatalog {
  private readonly byGV = new Map<string, ApiResource[]>();
  private readonly groupList: ApiGroup[];

  constructor(resources: ApiResource[]) {
    for (const r of resources) {
      const gv = groupVersion(r);
      const list = this.byGV.get(gv) ?? [];
      if (list.some((x) => x.plural === r.plural)) continue; // the first source wins (built-in, then CRD, then guess)
      list.push(r);
      this.byGV.set(gv, list);
    }
    const versions = new Map<string, Set<string>>();
    for (const r of resources) {
      const s = versions.get(r.group) ?? new Set<string>();
      s.add(r.version);
      versions.set(r.group, s);
    }
    const rank = (g: string) => {
      const i = GROUP_ORDER.indexOf(g);
      return i < 0 ? GROUP_ORDER.length : i;
    };
    this.groupList = [...versions.entries()]
      .map(([name, vs]) => ({ name, versions: [...vs].sort(compareVersions) }))
      .sort((a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * The table for an input: built-in resources, the served versions of its CRDs, a guess for each
   * other kind its objects have (at the versions they are written in), and the `assumed`
   * (namespaced) kinds no CRD or object of the input declares.
   */
  static forObjects(objects: readonly KubeObject[], assumed: ReadonlyArray<{ apiVersion: string; kind: string }> = []): ResourceCatalog {
    const resources = builtinResources();
    const known = new Set(resources.map((r) => storageKey(r.group, r.kind)));
    for (const o of objects) {
      if (o.kind === 'CustomResourceDefinition' && splitApiVersion(o.apiVersion).group === 'apiextensions.k8s.io') {
        for (const r of crdResources(o)) {
          resources.push(r);
          known.add(storageKey(r.group, r.kind));
        }
      }
    }
    const guessed = new Map<string, ApiResource>();
    for (const o of objects) {
      const { group, version } = splitApiVersion(o.apiVersion);
      const key = `${group}/${version}/${o.kind}`;
      if (known.has(storageKey(group, o.kind))) continue;
      const r = guessed.get(key);
      const namespaced = typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== '';
      if (r) {
        r.namespaced ||= namespaced;
        continue;
      }
      guessed.set(key, {
        group,
        version,
        kind: o.kind,
        plural: guessPlural(o.kind),
        singular: o.kind.toLowerCase(),
        namespaced: namespaced || group === 'metallb.io', // MetalLB's kinds are namespaced, written with or without one
        shortNames: [],
        categories: [],
        subresources: [],
        custom: !isBuiltinGroup(group),
      });
    }
    resources.push(...guessed.values());
    // kinds the input may not show (no CRDs captured): served, so that asking for them gets the
    // input's answer (403 when not captured, an empty list when captured) rather than a 404
    for (const { apiVersion, kind } of assumed) {
      const { group, version } = splitApiVersion(apiVersion);
      if (known.has(storageKey(group, kind)) || resources.some((r) => r.group === group && r.version === version && r.kind === kind)) continue;
      resources.push({ group, version, kind, plural: guessPlural(kind), singular: kind.toLowerCase(), namespaced: true, shortNames: [], categories: [], subresources: ['status'], custom: true });
    }
    return new ResourceCatalog(resources);
  }

  groups(): readonly ApiGroup[] {
    return this.groupList;
  }

  group(name: string): ApiGroup | undefined {
    return this.groupList.find((g) => g.name === name);
  }

  resources(group: string, version: string): readonly ApiResource[] {
    return this.byGV.get(group ? `${group}/${version}` : version) ?? [];
  }

  find(group: string, version: string, plural: string): ApiResource | undefined {
    return this.resources(group, version).find((r) => r.plural === plural);
  }

  all(): ApiResource[] {
    return [...this.byGV.values()].flat();
  }

  /**
   * The resources a name means, as a user writes it on the command line: plural, singular, short
   * name or kind, optionally qualified with the group (`bgppeers.metallb.io`). Case-insensitive.
   */
  match(name: string): ApiResource[] {
    const n = name.toLowerCase();
    return this.all().filter((r) => {
      const names = [r.plural, r.singular, r.kind.toLowerCase(), ...r.shortNames.map((s) => s.toLowerCase())];
      return names.some((x) => x === n || (r.group !== '' && `${x}.${r.group}` === n));
    });
  }
}
