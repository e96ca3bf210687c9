// Reading a live cluster: what the rules need and nothing more, in parallel, GET only.
//
// Phase 1 (all at once): the version, CRDs, Nodes, Namespaces, LoadBalancer Services, Deployments,
// DaemonSets, webhook configurations, Events and MetalLB's own kinds. Phase 2, once the workloads
// say where MetalLB runs: the Pods, ConfigMaps, Endpoints and NetworkPolicies of its namespace (and
// of kube-system, where kube-proxy, kube-vip and k3s's ServiceLB live; the Pods of frr-k8s's), the Secrets MetalLB uses
// (by name), the EndpointSlices of the LoadBalancer Services' namespaces, and the kinds of other
// projects whose CRDs exist. Phase 3: the Pods of the namespaces whose LoadBalancer Services have no
// serving endpoint (service-no-endpoints explains those), and with --logs the containers' logs.
//
// What was read is recorded as bundle.json's `captured` list: `Kind` for every object of a kind,
// `Kind@namespace` for one namespace, `Kind@namespace/name` for one object ("absent is not none":
// ClusterState.isCaptured). A read that fails is a gap with its reason; only an unreachable API
// server or refused credentials (or a credential plugin that fails) stop the run: once every read
// already started has settled, with one error.
import type { BundleManifest, ContainerLog, Gap, KubeObject, LoadResult, PodMetrics } from '../types.js';
import { parseMetrics } from '../../model/metrics.js';
import { SourceError } from '../types.js';
import { ApiError, type KubeClient } from './client.js';
import { maskLogText, maskObject } from '../mask.js';
import { ClusterState, asArray, asRecord } from '../../state/cluster-state.js';
import { FOREIGN_KINDS, METALLB_GROUP } from '../../model/kinds.js';
import { memberlistSecretRefs } from '../../model/memberlist.js';
import { countEndpoints } from '../../model/endpoints.js';
import { VERSION } from '../../version.js';

export interface CaptureOptions {
  /** --metallb-namespace */
  metallbNamespace?: string;
  /** --logs: the containers' logs (since, tail) */
  logs?: { sinceSeconds?: number; tailLines?: number };
  /** --metrics: MetalLB's metrics, through the API server's pod proxy */
  metrics?: boolean;
  /** a line about what is being read; the CLI shows it on a terminal only */
  progress?(line: string): void;
  /** the context's name, for bundle.json */
  context?: string;
}

export type CapturedLog = ContainerLog;

export interface Capture {
  load: LoadResult;
  logs: CapturedLog[];
  /** requests sent, by method */
  requests: ReadonlyMap<string, number>;
}

interface Res {
  gv: string;
  plural: string;
  kind: string;
}
const R = {
  crd: { gv: 'apiextensions.k8s.io/v1', plural: 'customresourcedefinitions', kind: 'CustomResourceDefinition' },
  node: { gv: 'v1', plural: 'nodes', kind: 'Node' },
  namespace: { gv: 'v1', plural: 'namespaces', kind: 'Namespace' },
  service: { gv: 'v1', plural: 'services', kind: 'Service' },
  pod: { gv: 'v1', plural: 'pods', kind: 'Pod' },
  configmap: { gv: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  secret: { gv: 'v1', plural: 'secrets', kind: 'Secret' },
  endpoints: { gv: 'v1', plural: 'endpoints', kind: 'Endpoints' },
  event: { gv: 'v1', plural: 'events', kind: 'Event' },
  deployment: { gv: 'apps/v1', plural: 'deployments', kind: 'Deployment' },
  daemonset: { gv: 'apps/v1', plural: 'daemonsets', kind: 'DaemonSet' },
  endpointslice: { gv: 'discovery.k8s.io/v1', plural: 'endpointslices', kind: 'EndpointSlice' },
  networkpolicy: { gv: 'networking.k8s.io/v1', plural: 'networkpolicies', kind: 'NetworkPolicy' },
  vwc: { gv: 'admissionregistration.k8s.io/v1', plural: 'validatingwebhookconfigurations', kind: 'ValidatingWebhookConfiguration' },
} satisfies Record<string, Res>;

/** MetalLB's kinds: [kind, plural, versions to try in order]. */
const METALLB_RESOURCES: [string, string, string[]][] = [
  ['IPAddressPool', 'ipaddresspools', ['v1beta1']],
  ['L2Advertisement', 'l2advertisements', ['v1beta1']],
  ['BGPAdvertisement', 'bgpadvertisements', ['v1beta1']],
  ['BGPPeer', 'bgppeers', ['v1beta2', 'v1beta1']],
  ['BFDProfile', 'bfdprofiles', ['v1beta1']],
  ['Community', 'communities', ['v1beta1']],
  ['ServiceL2Status', 'servicel2statuses', ['v1beta1']],
  ['ServiceBGPStatus', 'servicebgpstatuses', ['v1beta1']],
  ['ConfigurationState', 'configurationstates', ['v1beta1']],
];

/** More namespaces than this with LoadBalancer Services: their EndpointSlices are read in one list. */
const SLICE_NAMESPACES_MAX = 64;
/** Containers whose logs --logs fetches: MetalLB's, and FRR's beside them. */
const LOG_CONTAINERS = new Set(['speaker', 'controller', 'frr', 'frr-k8s', 'reloader', 'frr-metrics']);

export function apiPath(r: Res, namespace?: string, name?: string): string {
  const root = r.gv.includes('/') ? `/apis/${r.gv}` : `/api/${r.gv}`;
  return `${root}${namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}`;
}

const keyOf = (o: KubeObject) => `${o.apiVersion}\u0000${o.kind}\u0000${o.metadata?.namespace ?? ''}\u0000${o.metadata?.name ?? ''}`;

/** Trims what no rule reads and what would only weigh: managedFields, other projects' CRD schemas. */
function trim(o: KubeObject): void {
  if (o.metadata && 'managedFields' in o.metadata) delete o.metadata.managedFields;
  if (o.kind === 'CustomResourceDefinition' && asRecord(o.spec).group !== METALLB_GROUP) {
    for (const v of asArray(asRecord(o.spec).versions)) delete asRecord(v).schema;
  }
}

export async function captureCluster(client: KubeClient, opts: CaptureOptions = {}): Promise<Capture> {
  const objects = new Map<string, KubeObject>();
  const captured = new Set<string>();
  const gaps: Gap[] = [];
  const errors: string[] = [];
  const scopes: Record<string, string> = {};
  let done = 0;
  const say = (line: string) => opts.progress?.(line);

  /** answers with objects (or an empty list): 404s of kinds not installed do not count */
  let answered = 0;
  const add = (items: KubeObject[]) => {
    answered++;
    for (const o of items) {
      trim(o);
      maskObject(o);
      objects.set(keyOf(o), o);
    }
    done += items.length;
  };
  /**
   * What ends the run: refused credentials, or a failure that is no answer of the API server (a
   * credential plugin). Reads run in parallel, so it is kept, the reads already started settle,
   * and then it is thrown once (`stopIfFatal`): never a rejection that nothing awaits.
   */
  let fatal: unknown;
  const stop = (what: string, e: unknown) => {
    fatal ??= e instanceof ApiError ? new SourceError(`the API server refused the credentials of context "${client.config.context}" (401 Unauthorized): ${what}`) : e;
  };
  const gap = (what: string, e: unknown, kind?: string) => {
    if (e instanceof ApiError && e.status !== 401) gaps.push({ what, why: e.why, ...(kind ? { kind } : {}) });
    else stop(what, e);
  };
  const kindOf = (entry: string) => entry.replace(/@.*$/, '');
  /** a list; captured as `entry` when it succeeds, a gap when it does not */
  const list = async (what: string, entry: string, path: string, query: Record<string, string> = {}): Promise<KubeObject[] | undefined> => {
    say(`reading ${what}`);
    try {
      const { items } = await client.list(path, query);
      add(items);
      captured.add(entry);
      say(`read ${what}: ${items.length} (${done} objects in all)`);
      return items;
    } catch (e) {
      gap(`list ${what}`, e, kindOf(entry));
      return undefined;
    }
  };

  // the API server, first: nothing else is worth trying when it cannot be reached
  let kubernetesVersion: string | undefined;
  try {
    const v = await client.getJSON<{ gitVersion?: string }>('/version');
    kubernetesVersion = typeof v.gitVersion === 'string' ? v.gitVersion : undefined;
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    if (e.status === 0) throw new SourceError(`cannot reach the API server ${client.config.cluster.server} (context "${client.config.context}"): ${e.reason}${e.message && e.reason !== 'timed out' ? ` (${e.message})` : ''}`);
    if (e.status === 401) throw new SourceError(`the API server ${client.config.cluster.server} refused the credentials of context "${client.config.context}" (401 Unauthorized)`);
    errors.push(`GET /version: ${e.why}`);
  }

  const getOne = async (what: string, entry: string, path: string) => {
    say(`reading ${what}`);
    try {
      const o = await client.getJSON<KubeObject>(path);
      add([o]);
      captured.add(entry);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) captured.add(entry); // read, and it does not exist
      else gap(`get ${what}`, e, kindOf(entry));
    }
  };

  // What lives in MetalLB's namespace is read at once for the namespace it almost always has
  // (metallb-system, or --metallb-namespace), and again below should its workloads say otherwise.
  const pending: Promise<unknown>[] = [];
  /** every read started so far settled (the list grows while the Services stream in: until it stops) */
  const settle = async () => {
    for (let seen = 0; seen < pending.length; ) {
      const upTo = pending.length;
      await Promise.allSettled(pending.slice(seen, upTo));
      seen = upTo;
    }
  };
  const stopIfFatal = async () => {
    if (fatal === undefined) return;
    await settle();
    throw fatal;
  };
  /** namespaces whose Pods and ConfigMaps are read (or being read) in full */
  const podNamespaces = new Set<string>();
  /** namespaces read as MetalLB's: also its Services, Endpoints, NetworkPolicies, EndpointSlices */
  const metallbNamespaces = new Set<string>();
  const readPods = (n: string) => {
    if (podNamespaces.has(n)) return;
    podNamespaces.add(n);
    pending.push(list(`Pods in ${n}`, `Pod@${n}`, apiPath(R.pod, n)));
  };
  const readNamespace = (n: string, metallb: boolean) => {
    if (!podNamespaces.has(n)) pending.push(list(`ConfigMaps in ${n}`, `ConfigMap@${n}`, apiPath(R.configmap, n)));
    readPods(n);
    if (!metallb || metallbNamespaces.has(n)) return;
    metallbNamespaces.add(n);
    pending.push(
      list(`Services in ${n}`, `Service@${n}`, apiPath(R.service, n)),
      list(`Endpoints in ${n}`, `Endpoints@${n}`, apiPath(R.endpoints, n)),
      list(`NetworkPolicies in ${n}`, `NetworkPolicy@${n}`, apiPath(R.networkpolicy, n)),
    );
    startSlices(n); // the webhook Service's endpoints
  };
  // EndpointSlices of the LoadBalancer Services' namespaces, started as the Services arrive;
  // past SLICE_NAMESPACES_MAX namespaces, one list of all of them instead
  const sliceNamespaces = new Set<string>();
  let slicesEverywhere = false;
  const startSlices = (n: string) => {
    if (slicesEverywhere || sliceNamespaces.has(n)) return;
    if (sliceNamespaces.size >= SLICE_NAMESPACES_MAX) {
      slicesEverywhere = true;
      pending.push(list('EndpointSlices in all namespaces', 'EndpointSlice', apiPath(R.endpointslice)));
      return;
    }
    sliceNamespaces.add(n);
    pending.push(list(`EndpointSlices in ${n}`, `EndpointSlice@${n}`, apiPath(R.endpointslice, n)));
  };

  // ---- phase 1
  const guess = opts.metallbNamespace ?? 'metallb-system';
  readNamespace(guess, true);
  readNamespace('kube-system', false);
  pending.push(getOne('Endpoints default/kubernetes', 'Endpoints@default/kubernetes', apiPath(R.endpoints, 'default', 'kubernetes')));
  const crds = list('CustomResourceDefinitions', 'CustomResourceDefinition', apiPath(R.crd));
  const services = (async () => {
    const what = 'LoadBalancer Services in all namespaces';
    say(`reading ${what}`);
    const isLB = (o: KubeObject) => asRecord(o.spec).type === 'LoadBalancer';
    const onPage = (page: KubeObject[]) => {
      for (const svc of page) if (isLB(svc)) startSlices(svc.metadata?.namespace || 'default');
    };
    try {
      let r;
      try {
        r = await client.list(apiPath(R.service), { fieldSelector: 'spec.type=LoadBalancer' }, onPage);
      } catch (e) {
        // spec.type is a field selector from Kubernetes 1.31 on; older servers answer 400
        if (!(e instanceof ApiError && e.status === 400)) throw e;
        r = await client.list(apiPath(R.service), {}, onPage);
        r.items = r.items.filter(isLB);
      }
      add(r.items);
      captured.add('Service');
      return r.items;
    } catch (e) {
      gap(`list ${what}`, e, 'Service');
      return undefined;
    }
  })();
  const workloads = Promise.all([list('Deployments', 'Deployment', apiPath(R.deployment)), list('DaemonSets', 'DaemonSet', apiPath(R.daemonset))]);
  const metallbKinds = Promise.all(
    METALLB_RESOURCES.map(async ([kind, plural, versions]) => {
      for (let i = 0; i < versions.length; i++) {
        const what = `${plural}.${METALLB_GROUP}`;
        say(`reading ${what}`);
        try {
          const r = await client.list(apiPath({ gv: `${METALLB_GROUP}/${versions[i]}`, plural, kind }));
          add(r.items);
          captured.add(kind);
          return r.items;
        } catch (e) {
          // not served: an older MetalLB (the next version), or the CRD is not installed, so none exist
          if (e instanceof ApiError && e.status === 404) {
            if (i + 1 < versions.length) continue;
            captured.add(kind);
            return [];
          }
          gap(`list ${what}`, e, kind);
          return undefined;
        }
      }
      return undefined;
    }),
  );
  pending.push(
    crds,
    services,
    workloads,
    metallbKinds,
    list('Nodes', 'Node', apiPath(R.node)),
    list('Namespaces', 'Namespace', apiPath(R.namespace)),
    list('ValidatingWebhookConfigurations', 'ValidatingWebhookConfiguration', apiPath(R.vwc)),
    list('Events in all namespaces', 'Event', apiPath(R.event)),
  );

  // ---- phase 2: where MetalLB runs, the Secrets it uses, frr-k8s, other projects' kinds
  const [deployments, daemonsets] = await workloads;
  const mlObjects = (await metallbKinds).flat().filter((o): o is KubeObject => o !== undefined);
  await stopIfFatal();
  const probe = new ClusterState([{ load: { objects: [...(deployments ?? []), ...(daemonsets ?? []), ...mlObjects], issues: [], files: 0, skippedNotKubernetes: 0, logFiles: [] }, kind: 'cluster' }], {
    metallbNamespace: opts.metallbNamespace,
  });
  const ns = probe.metallb.namespace;
  readNamespace(ns, true);
  const frrNs = frrK8sNamespace(daemonsets ?? []);
  // its Pods (for their logs and metrics); no rule reads a ConfigMap of frr-k8s's namespace
  if (frrNs) readPods(frrNs);
  const secretNames = new Set<string>();
  if (probe.metallb.speaker) for (const ref of memberlistSecretRefs(probe.metallb.speaker)) secretNames.add(ref.secret);
  for (const p of probe.metallbObjects('BGPPeer')) {
    const n = asRecord(asRecord(p.spec).passwordSecret).name;
    if (typeof n === 'string' && n) secretNames.add(n);
  }
  for (const name of secretNames) pending.push(getOne(`Secret ${ns}/${name}`, `Secret@${ns}/${name}`, apiPath(R.secret, ns, name)));
  // other projects' kinds whose CRDs exist (presence is all rules read from them)
  const crdList = await crds;
  for (const crd of crdList ?? []) {
    const spec = asRecord(crd.spec);
    const group = typeof spec.group === 'string' ? spec.group : '';
    const plural = asRecord(spec.names).plural;
    const kind = asRecord(spec.names).kind;
    if (typeof plural !== 'string' || typeof kind !== 'string') continue;
    for (const v of asArray(spec.versions).map(asRecord)) {
      const gv = `${group}/${String(v.name)}`;
      if (v.served !== true || !FOREIGN_KINDS[gv]?.includes(kind)) continue;
      // presence-only evidence: a kind that cannot be read is no gap (nothing is concluded from absence)
      pending.push(
        client.list(apiPath({ gv, plural, kind })).then(
          (r) => {
            add(r.items);
            captured.add(`${kind}.${group}`);
          },
          (e) => {
            if (!(e instanceof ApiError) || e.status === 401) stop(`list ${plural}.${group}`, e);
          },
        ),
      );
      break;
    }
  }
  const lb = await services;
  await settle();
  await stopIfFatal();

  // ---- phase 3: the Pods behind LoadBalancer Services that have no serving endpoint
  const slicesKnown = (n: string) => captured.has('EndpointSlice') || captured.has(`EndpointSlice@${n}`);
  if (lb) {
    const byService = new Map<string, KubeObject[]>();
    for (const o of objects.values()) {
      if (o.kind !== 'EndpointSlice') continue;
      const svc = o.metadata?.labels?.['kubernetes.io/service-name'];
      if (!svc) continue;
      const k = `${o.metadata?.namespace ?? ''}/${svc}`;
      const slices = byService.get(k) ?? [];
      slices.push(o);
      byService.set(k, slices);
    }
    const need = new Set<string>();
    for (const svc of lb) {
      const n = svc.metadata?.namespace || 'default';
      if (podNamespaces.has(n) || !slicesKnown(n)) continue;
      if (countEndpoints(byService.get(`${n}/${svc.metadata?.name ?? ''}`) ?? []).serving === 0) need.add(n);
    }
    for (const n of need) readPods(n);
    await settle();
    await stopIfFatal();
  }

  const logs: CapturedLog[] = [];
  const logsForbidden: string[] = [];
  if (opts.logs) {
    const pods = [...objects.values()].filter((o) => o.kind === 'Pod' && (o.metadata?.namespace === ns || (frrNs !== undefined && o.metadata?.namespace === frrNs)));
    await Promise.all(
      pods.flatMap((p) => logReads(p, ns, frrNs)).map(async (l) => {
        say(`reading logs of ${l.namespace}/${l.pod} ${l.container}${l.previous ? ' (previous)' : ''}`);
        try {
          const body = await client.get(`${apiPath(R.pod, l.namespace, l.pod)}/log`, {
            container: l.container,
            // each line with the kubelet's time: lines without one of their own (frr-reloader.sh's)
            // get a time, and the bundle keeps what `kubectl logs --timestamps` shows
            timestamps: 'true',
            ...(l.previous ? { previous: 'true' } : {}),
            ...(opts.logs!.sinceSeconds ? { sinceSeconds: opts.logs!.sinceSeconds } : {}),
            ...(opts.logs!.tailLines !== undefined ? { tailLines: opts.logs!.tailLines } : {}),
          }, 'text/plain');
          // BGP passwords never reach memory we keep, nor a bundle (MetalLB's FRR mode logs its whole configuration on a failed reload)
          logs.push({ ...l, text: maskLogText(body.toString('utf8')) });
        } catch (e) {
          if (!(e instanceof ApiError) || e.status === 401) return stop(`logs of ${l.namespace}/${l.pod}`, e);
          // a previous container that is gone, or logs that rotated away, are not gaps of the state
          if (e.status === 400 || e.status === 404) return;
          if (e.status === 403) logsForbidden.push(`${l.namespace}/${l.pod} ${l.container}${l.previous ? ' (previous)' : ''}`);
          else errors.push(`logs of ${l.namespace}/${l.pod} ${l.container}${l.previous ? ' (previous)' : ''}: ${e.why}`);
        }
      }),
    );
    if (logsForbidden.length > 0) {
      logsForbidden.sort();
      gaps.push({ what: `logs of ${logsForbidden.length === 1 ? logsForbidden[0] : `${logsForbidden.length} containers (${logsForbidden.slice(0, 3).join(', ')}${logsForbidden.length > 3 ? ', ...' : ''})`}`, why: 'forbidden' });
    }
    await stopIfFatal();
    logs.sort((a, b) => `${a.namespace}/${a.pod}/${a.container}/${a.previous}`.localeCompare(`${b.namespace}/${b.pod}/${b.container}/${b.previous}`));
  }

  // an API server that answers /version but nothing else (every list forbidden, failing or too
  // slow) leaves nothing to analyse: that is no report, it is "no cluster to read" (exit 3)
  if (answered === 0 && gaps.length > 0) {
    const g = gaps[0]!;
    throw new SourceError(`read nothing from the API server ${client.config.cluster.server} (context "${client.config.context}"): ${g.what}: ${g.why}${gaps.length > 1 ? ` (and ${gaps.length - 1} more reads failed)` : ''}`);
  }

  const metrics: PodMetrics[] = [];
  if (opts.metrics) {
    const pods = [...objects.values()].filter((o) => o.kind === 'Pod' && (o.metadata?.namespace === ns || (frrNs !== undefined && o.metadata?.namespace === frrNs)));
    const failed: string[] = [];
    await Promise.all(
      pods.flatMap((p) => metricPorts(p).map((port) => ({ p, port }))).map(async ({ p, port }) => {
        const namespace = p.metadata?.namespace ?? ns;
        const pod = p.metadata?.name ?? '';
        say(`reading metrics of ${namespace}/${pod}:${port}`);
        try {
          const body = await client.get(`${apiPath(R.pod, namespace)}/${encodeURIComponent(pod)}:${port}/proxy/metrics`, {}, 'text/plain');
          const text = body.toString('utf8');
          metrics.push({ namespace, pod, port, samples: parseMetrics(text), text });
        } catch (e) {
          // a 401 here may be the pod's own answer (the proxy passes it on): a gap like any other
          if (!(e instanceof ApiError)) return stop(`metrics of ${namespace}/${pod}`, e);
          failed.push(`${namespace}/${pod}:${port} (${e.why})`);
        }
      }),
    );
    await stopIfFatal();
    if (failed.length > 0) {
      failed.sort();
      gaps.push({ what: `metrics of ${failed.length === 1 ? failed[0] : `${failed.length} pods (${failed.slice(0, 3).join(', ')}${failed.length > 3 ? ', ...' : ''})`}`, why: 'not read' });
    }
    metrics.sort((a, b) => `${a.namespace}/${a.pod}/${a.port}`.localeCompare(`${b.namespace}/${b.pod}/${b.port}`));
  }

  scopes.Service = `spec.type=LoadBalancer in all namespaces, and every Service of ${ns}`;
  const bundle: BundleManifest & { requests?: Record<string, number>; scopes?: Record<string, string> } = {
    format: 'metallb-doctor-bundle/v1',
    createdAt: new Date().toISOString(),
    tool: { name: 'metallb-doctor', version: VERSION },
    ...(opts.context ? { context: opts.context } : {}),
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    // where MetalLB runs, when its workloads (or --metallb-namespace) say; otherwise the later
    // analysis finds it from the objects again, as this one did
    ...(probe.metallb.namespaceFrom === 'workloads' || probe.metallb.namespaceFrom === 'flag' ? { metallbNamespace: ns } : {}),
    captured: [...captured].sort(),
    gaps,
    errors,
    scopes,
  };
  return {
    load: { objects: [...objects.values()], issues: [], files: 0, skippedNotKubernetes: 0, logFiles: [], logs, ...(opts.metrics ? { metrics } : {}), bundle },
    logs,
    requests: client.sent,
  };
}

/**
 * The ports a pod serves MetalLB's metrics on: container ports named monitoring / metrics /
 * frrmetrics (the speaker and controller: 7472; FRR's exporter: 7473), plain HTTP. A port behind
 * kube-rbac-proxy (HTTPS, the chart's secure metrics) is not among them.
 */
function metricPorts(pod: KubeObject): string[] {
  const out: string[] = [];
  for (const c of asArray(asRecord(pod.spec).containers).map(asRecord)) {
    for (const p of asArray(c.ports).map(asRecord)) {
      const name = typeof p.name === 'string' ? p.name : '';
      if (['monitoring', 'metrics', 'frrmetrics'].includes(name) && typeof p.containerPort === 'number') out.push(String(p.containerPort));
    }
  }
  return [...new Set(out)];
}

/** The namespace frr-k8s runs in, from its DaemonSet (MetalLB's frr-k8s backend). */
function frrK8sNamespace(daemonsets: KubeObject[]): string | undefined {
  for (const ds of daemonsets) {
    const name = ds.metadata?.name ?? '';
    const images = asArray(asRecord(asRecord(asRecord(ds.spec).template).spec).containers).map((c) => String(asRecord(c).image ?? ''));
    if (/^frr-k8s/.test(name) || images.some((i) => /(^|\/)frr-k8s(:|@|$)/.test(i))) return ds.metadata?.namespace;
  }
  return undefined;
}

export function logReads(pod: KubeObject, ns: string, frrNs: string | undefined): Omit<CapturedLog, 'text'>[] {
  const namespace = pod.metadata?.namespace ?? ns;
  const name = pod.metadata?.name ?? '';
  const statuses = new Map(asArray(asRecord(pod.status).containerStatuses).map((c) => [String(asRecord(c).name), asRecord(c)]));
  const out: Omit<CapturedLog, 'text'>[] = [];
  for (const c of asArray(asRecord(pod.spec).containers).map(asRecord)) {
    const container = String(c.name ?? '');
    if (!LOG_CONTAINERS.has(container) && !(frrNs !== undefined && namespace === frrNs)) continue;
    const st = statuses.get(container);
    out.push({ namespace, pod: name, container, previous: false });
    if (Number(st?.restartCount ?? 0) > 0) out.push({ namespace, pod: name, container, previous: true });
  }
  return out;
}
