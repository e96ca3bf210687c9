// What a replay serves: the input's objects indexed by resource, which kinds it captured (the
// others answer 403, as `--from` reports them as gaps), its container logs, and the version it
// claims. Objects are served as the input has them; only the version a client asks for changes
// (BGPPeer v1beta1 <-> v1beta2 as MetalLB's conversion webhook does, core <-> events.k8s.io Events).
import type { KubeObject, LoadResult } from '../sources/types.js';
import { loadInputs, readBundleFile } from '../sources/load.js';
import { logFileParts } from '../sources/logs.js';
import { open, stat } from 'node:fs/promises';
import { ClusterState, asRecord } from '../state/cluster-state.js';
import { METALLB_GROUP, MODELLED_KINDS, stateKind } from '../model/kinds.js';
import { convertV1beta1ToV1beta2, convertV1beta2ToV1beta1 } from '../model/bgppeer-conversion.js';
import { ResourceCatalog, groupVersion, isBuiltinGroup, splitApiVersion, storageKey, type ApiResource } from './resources.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

/** The version claimed when the input does not say (the gcloud kubectl dispatcher picks its kubectl by it). */
const DEFAULT_VERSION = 'v1.32.0';

export interface LogFile {
  namespace: string;
  pod: string;
  container: string;
  previous: boolean;
  file: string;
}

/** how readBundleFile names a file inside a tarball: `bundle.tar.gz!logs/...` */
const TARBALL_MEMBER = /^.*\.(?:tar\.gz|tgz)!/i;

const byNamespaceAndName = (a: KubeObject, b: KubeObject): number => {
  const ka = `${a.metadata?.namespace ?? ''}\u0000${a.metadata?.name ?? ''}`;
  const kb = `${b.metadata?.namespace ?? ''}\u0000${b.metadata?.name ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

export class ReplayStore {
  readonly catalog: ResourceCatalog;
  readonly version: VersionInfo;
  readonly kubeMinor: number;
  /** the list resourceVersion: the highest of the objects' */
  readonly resourceVersion: string;
  /** the moment tables compute AGE against: when the snapshot was taken (else now) */
  readonly snapshotTime?: number;
  readonly logs: readonly LogFile[];
  /** kinds captured, as ClusterState names them (bundle.json's list, or the "as given" rule) */
  readonly captured: ReadonlySet<string>;
  readonly metallbNamespace: string;
  readonly objectCount: number;
  private readonly objects = new Map<string, KubeObject[]>();
  private readonly present = new Set<string>();
  /** log bytes by file; a directory bundle's entry remembers the size and mtime it was read at */
  private readonly logCache = new Map<string, { size?: number; mtimeMs?: number; body: Promise<Buffer> }>();

  constructor(readonly load: LoadResult) {
    const state = new ClusterState([{ load, kind: 'snapshot' }]);
    this.captured = state.captured;
    this.metallbNamespace = state.metallb.namespace;
    // Without the CRDs, whether MetalLB's are installed is unknown: its kinds are served anyway
    // (answering as captured or not), as --from treats them. With the CRDs, they say.
    const assumed = state.isCaptured('CustomResourceDefinition')
      ? []
      : Object.entries(MODELLED_KINDS)
          .filter(([gv]) => gv.startsWith(`${METALLB_GROUP}/`))
          .flatMap(([apiVersion, kinds]) => kinds.map((kind) => ({ apiVersion, kind })));
    this.catalog = ResourceCatalog.forObjects(load.objects, assumed);
    const namespacedKinds = new Map<string, boolean>();
    for (const r of this.catalog.all()) namespacedKinds.set(storageKey(r.group, r.kind), r.namespaced);

    // later copies of an object replace earlier ones, as a sequence of applies would
    const byKey = new Map<string, Map<string, KubeObject>>();
    for (const raw of load.objects) {
      if (typeof raw.metadata?.name !== 'string' || raw.metadata.name === '') continue; // nothing a server could hold
      const { group } = splitApiVersion(raw.apiVersion);
      const key = storageKey(group, raw.kind);
      let obj = raw;
      if (namespacedKinds.get(key) && !raw.metadata.namespace) {
        // as `kubectl apply` would place it: MetalLB's objects in MetalLB's namespace, others in default
        obj = { ...raw, metadata: { ...raw.metadata, namespace: group === 'metallb.io' ? this.metallbNamespace : 'default' } };
      } else if (namespacedKinds.get(key) === false && raw.metadata.namespace !== undefined) {
        const { namespace: _ns, ...metadata } = raw.metadata;
        obj = { ...raw, metadata };
      }
      this.present.add(key);
      const m = byKey.get(key) ?? new Map<string, KubeObject>();
      m.set(`${obj.metadata.namespace ?? ''}/${obj.metadata.name}`, obj);
      byKey.set(key, m);
    }
    let rv = 0;
    let count = 0;
    for (const [key, m] of byKey) {
      const list = [...m.values()].sort(byNamespaceAndName);
      this.objects.set(key, list);
      count += list.length;
      for (const o of list) {
        const n = Number(o.metadata.resourceVersion);
        if (Number.isSafeInteger(n) && n > rv) rv = n;
      }
    }
    this.objectCount = count;
    this.resourceVersion = String(rv || 1);

    const gitVersion = kubernetesVersion(load, this.objects.get('/Node') ?? []);
    const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
    this.kubeMinor = m ? Number(m[2]) : 32;
    this.version = {
      major: m?.[1] ?? '1',
      minor: m?.[2] ?? '32',
      gitVersion,
      gitCommit: '',
      gitTreeState: 'clean',
      buildDate: '',
      goVersion: 'go1.22',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
    const t = Date.parse(load.bundle?.createdAt ?? '');
    this.snapshotTime = Number.isNaN(t) ? undefined : t;

    const logs: LogFile[] = [];
    for (const file of load.logFiles) {
      const parts = logFileParts(file);
      if (parts) logs.push({ ...parts, file });
    }
    this.logs = logs;
  }

  static async open(path: string): Promise<ReplayStore> {
    return new ReplayStore(await loadInputs([path]));
  }

  /** How bundle.json's `captured` (and ClusterState) names the resource's kind. */
  capturedName(r: ApiResource): string {
    const modelled = stateKind(groupVersion(r), r.kind);
    if (modelled) return modelled;
    return isBuiltinGroup(r.group) || r.group === 'metallb.io' ? r.kind : `${r.kind}.${r.group}`;
  }

  /**
   * Whether the input captured what is asked: the resource's kind (listed as captured, or objects
   * of it present), or, where a live read took it only in some namespaces (`Pod@metallb-system`)
   * or by name (`Secret@metallb-system/memberlist`), that namespace or that object: as a Role
   * limited to those would answer, anything wider is forbidden.
   */
  isCaptured(r: ApiResource, namespace?: string, name?: string): boolean {
    const kind = this.capturedName(r);
    if (this.captured.has(kind) || this.captured.has(`${r.kind}.${r.group}`)) return true;
    const prefix = `${kind}@`;
    const scoped = [...this.captured].filter((c) => c.startsWith(prefix));
    if (scoped.length === 0) return this.present.has(storageKey(r.group, r.kind));
    if (namespace === undefined) return false;
    return scoped.includes(`${prefix}${namespace}`) || (name !== undefined && scoped.includes(`${prefix}${namespace}/${name}`));
  }

  /** The resource's objects (in one namespace, or all), in the version the resource serves. */
  list(r: ApiResource, namespace?: string): KubeObject[] {
    const all = this.objects.get(storageKey(r.group, r.kind)) ?? [];
    const inNs = r.namespaced && namespace !== undefined ? all.filter((o) => o.metadata.namespace === namespace) : all;
    return inNs.map((o) => convert(o, r));
  }

  get(r: ApiResource, namespace: string | undefined, name: string): KubeObject | undefined {
    const all = this.objects.get(storageKey(r.group, r.kind)) ?? [];
    const o = all.find((x) => x.metadata.name === name && (!r.namespaced || x.metadata.namespace === namespace));
    return o && convert(o, r);
  }

  /** The bundle file of a pod's metrics on a port (metrics/<ns>/<pod>/<port>.prom). */
  metricsFile(namespace: string, pod: string, port: string): string | undefined {
    return this.load.metrics?.find((m) => m.namespace === namespace && m.pod === pod && m.port === port)?.file;
  }

  logFile(namespace: string, pod: string, container: string, previous: boolean): LogFile | undefined {
    return this.logs.find((l) => l.namespace === namespace && l.pod === pod && l.container === container && l.previous === previous);
  }

  /** Whether the log can still grow while the replay runs: a directory bundle's file can, a tarball's member cannot. */
  logCanGrow(l: LogFile): boolean {
    return !TARBALL_MEMBER.test(l.file);
  }

  /**
   * The log's bytes. A tarball's member never changes and is read once; a directory bundle's file
   * may be appended to while the replay serves it, so its cached bytes are used only while its
   * size and mtime are those it was read at.
   */
  async readLog(l: LogFile): Promise<Buffer> {
    const hit = this.logCache.get(l.file);
    if (!this.logCanGrow(l)) {
      if (hit) return hit.body;
      const body = readBundleFile(l.file);
      this.logCache.set(l.file, { body });
      body.catch(() => this.logCache.delete(l.file));
      return body;
    }
    const st = await stat(l.file).catch(() => undefined);
    if (!st) {
      this.logCache.delete(l.file);
      return readBundleFile(l.file); // gone since the bundle was loaded: the reader's error says so
    }
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.body;
    // the size and mtime are those before the read: a file that grows during it is read again next time
    const entry = { size: st.size, mtimeMs: st.mtimeMs, body: readBundleFile(l.file) };
    this.logCache.set(l.file, entry);
    entry.body.catch(() => {
      if (this.logCache.get(l.file) === entry) this.logCache.delete(l.file);
    });
    return entry.body;
  }

  /**
   * The bytes of a directory bundle's log file from byte `from` to its current end, read from disk
   * (never the cache): empty when it has not grown, null when it is now shorter than `from`
   * (truncated or replaced). A following reader calls it with the bytes it has already had.
   */
  async readLogFrom(l: LogFile, from: number): Promise<Buffer | null> {
    if (!this.logCanGrow(l)) throw new Error(`${l.file} is inside a tarball: it cannot grow`);
    const f = await open(l.file, 'r');
    try {
      const { size } = await f.stat();
      if (size < from) return null;
      const out = Buffer.alloc(size - from);
      let got = 0;
      while (got < out.length) {
        const { bytesRead } = await f.read(out, got, out.length - got, from + got);
        if (bytesRead === 0) break; // shrunk while being read
        got += bytesRead;
      }
      return got === out.length ? out : out.subarray(0, got);
    } finally {
      await f.close();
    }
  }
}

/** bundle.json's kubernetesVersion, else the newest kubelet's, else a default. */
function kubernetesVersion(load: LoadResult, nodes: readonly KubeObject[]): string {
  const v = load.bundle?.kubernetesVersion;
  if (typeof v === 'string' && /^v?\d+\.\d+/.test(v)) return v.startsWith('v') ? v : `v${v}`;
  let best: string | undefined;
  let bestKey = -1;
  for (const n of nodes) {
    const kv = asRecord(asRecord(n.status).nodeInfo).kubeletVersion;
    const m = typeof kv === 'string' ? /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(kv) : null;
    if (!m) continue;
    const key = Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3] ?? 0);
    if (key > bestKey) {
      bestKey = key;
      best = `v${m[1]}.${m[2]}.${m[3] ?? 0}`;
    }
  }
  return best ?? DEFAULT_VERSION;
}

/** An object as the resource serves it: the same object when the versions agree. */
export function convert(obj: KubeObject, r: ApiResource): KubeObject {
  const apiVersion = groupVersion(r);
  if (obj.apiVersion === apiVersion) return obj;
  if (r.group === 'metallb.io' && r.kind === 'BGPPeer') {
    if (r.version === 'v1beta1' && obj.apiVersion === 'metallb.io/v1beta2') return withStatus(convertV1beta2ToV1beta1(obj).object, obj);
    if (r.version === 'v1beta2' && obj.apiVersion === 'metallb.io/v1beta1') return withStatus(convertV1beta1ToV1beta2(obj).object, obj);
  }
  if (r.kind === 'Event') return r.group === 'events.k8s.io' ? coreToEventsV1(obj) : eventsV1ToCore(obj);
  return { ...obj, apiVersion };
}

function withStatus(converted: KubeObject, from: KubeObject): KubeObject {
  return from.status === undefined ? converted : { ...converted, status: from.status };
}

/** A core/v1 Event as events.k8s.io/v1 shows it (the field mapping of the API server's conversion). */
function coreToEventsV1(e: KubeObject): KubeObject {
  if (e.apiVersion === 'events.k8s.io/v1') return e;
  const src = asRecord(e.source);
  const out: Record<string, unknown> = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    series: e.series,
    reportingController: e.reportingComponent ?? src.component,
    reportingInstance: e.reportingInstance ?? src.host,
    action: e.action,
    reason: e.reason,
    regarding: e.involvedObject,
    related: e.related,
    note: e.message,
    type: e.type,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as KubeObject;
}

function eventsV1ToCore(e: KubeObject): KubeObject {
  if (e.apiVersion === 'v1') return e;
  const out: Record<string, unknown> = {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: e.metadata,
    involvedObject: e.regarding,
    reason: e.reason,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    type: e.type,
    eventTime: e.eventTime,
    series: e.series,
    action: e.action,
    related: e.related,
    reportingComponent: e.reportingController,
    reportingInstance: e.reportingInstance,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as KubeObject;
}
