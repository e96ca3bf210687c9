// One normalised, indexed view of everything the input holds: a live cluster, a bundle, or
// manifest files. Rules and the model read only this; it never does I/O (the log analysis is
// read into it beforehand, by src/sources/logs.ts).
import type { ContainerLog, PodMetrics, Gap, KubeObject, LoadIssue, LoadResult, BundleManifest } from '../sources/types.js';
import { sourceOf } from '../sources/types.js';
import { METALLB_CONFIG_KINDS, METALLB_KINDS, MODELLED_KINDS, stateKind } from '../model/kinds.js';
import { detectInstallation, type MetalLBInstallation } from './installation.js';
import { deriveLegacyConfig, type LegacyDerivation } from './legacy-config.js';
import type { LogAnalysis } from '../model/logs/analysis.js';
import type { ProbeResult } from '../model/probe.js';

export type SourceKind = 'cluster' | 'snapshot' | 'manifests';

export interface StateLayer {
  load: LoadResult;
  /** 'snapshot' layers obey bundle.json's captured list; 'manifests' layers the "as given" rule */
  kind: SourceKind;
  path?: string;
}

export interface StateOptions {
  /** --metallb-namespace */
  metallbNamespace?: string;
  /** the state after a what-if: MetalLB's controller was running and holds the addresses in Service status */
  controllerRunning?: boolean;
}

/** Where a derived state's objects came from: the state it was derived from (see `derive`). */
const PROVENANCE = Symbol('provenance');
type DeriveOptions = StateOptions & { [PROVENANCE]?: ClusterState };

/**
 * Objects by kind, namespace and name, one map level each: no key text is built per object (a
 * joined key per object cost 150,000 strings and their hashing on a large bundle). A namespace
 * that is not a string counts as its text, as a joined key took it.
 */
class ObjectIndex {
  private readonly kinds = new Map<string, Map<string, Map<string, KubeObject>>>();
  private lastKind?: string;
  private lastByNs?: Map<string, Map<string, KubeObject>>;

  private names(kind: string, namespace: unknown, create: true): Map<string, KubeObject>;
  private names(kind: string, namespace: unknown, create: false): Map<string, KubeObject> | undefined;
  private names(kind: string, namespace: unknown, create: boolean): Map<string, KubeObject> | undefined {
    // objects come kind by kind: the last kind's map is the next object's too
    let byNs = this.lastKind === kind ? this.lastByNs : this.kinds.get(kind);
    if (!byNs) {
      if (!create) return undefined;
      this.kinds.set(kind, (byNs = new Map()));
    }
    this.lastKind = kind;
    this.lastByNs = byNs;
    const ns = namespace == null ? '' : String(namespace);
    let names = byNs.get(ns);
    if (!names && create) byNs.set(ns, (names = new Map()));
    return names;
  }

  get(kind: string, namespace: unknown, name: string): KubeObject | undefined {
    return this.names(kind, namespace, false)?.get(name);
  }

  /** Sets the object of the key; returns the one it replaces. */
  set(kind: string, namespace: unknown, name: string, obj: KubeObject): KubeObject | undefined {
    const names = this.names(kind, namespace, true);
    const earlier = names.get(name);
    names.set(name, obj);
    return earlier;
  }
}

const NONE: readonly KubeObject[] = Object.freeze([]);

export interface Duplicate {
  shadowed: KubeObject;
  by: KubeObject;
}

export class ClusterState {
  readonly objects: readonly KubeObject[];
  readonly loadIssues: readonly LoadIssue[];
  /** objects of kinds the tool does not model, by kind */
  readonly skippedKinds: ReadonlyMap<string, number>;
  readonly skippedNotKubernetes: number;
  readonly files: number;
  readonly bundle?: BundleManifest;
  readonly logFiles: readonly string[];
  /** container logs a live read fetched (--logs) */
  readonly logs: readonly ContainerLog[];
  /** MetalLB's metrics per pod (--metrics, or metrics/ in a bundle) */
  readonly metrics: readonly PodMetrics[];
  /**
   * What the containers' logs said, read (streamed, I/O) by `analyseLogs` before the rules run;
   * undefined when no logs were read. The log-* rules and the rules with log evidence read it.
   */
  logAnalysis?: LogAnalysis;
  /** What the network probes saw (`probe`, `diag --probe`), set before the probe-* rules run. */
  probes?: ProbeResult[];
  /** MACs given on the command line (`--node-mac NODE=MAC`), beside the nodes' annotations */
  nodeMacs?: Map<string, string>;
  /** kinds whose absence means "none exist" (see cli.md, "Absent is not none") */
  readonly captured: ReadonlySet<string>;
  readonly gaps: readonly Gap[];
  readonly metallb: MetalLBInstallation;
  readonly sourceKind: SourceKind;
  readonly sourcePath?: string;
  /** objects defined twice in one input: the earlier copy is replaced by the later when both are applied */
  readonly duplicates: readonly Duplicate[];
  /** the legacy ConfigMap's configuration as CRs, when MetalLB reads a ConfigMap */
  readonly legacy?: LegacyDerivation;
  readonly controllerRunning: boolean;
  private readonly fromCluster: { all: boolean; roots: string[] };
  /**
   * Shared by a state and every state derived from it (what-ifs): memos of pure functions of the
   * objects (the layer-2 elections) are kept per lineage, so a what-if reuses its baseline's.
   */
  readonly lineage: object;

  /** every named object by kind, namespace and name (the merge's own index) */
  private readonly byKey: ObjectIndex;
  private readonly byKind = new Map<string, KubeObject[]>();
  private readonly servicesByIP = new Map<string, KubeObject[]>();
  private readonly nodesByLabel = new Map<string, Map<string, KubeObject[]>>();
  /** EndpointSlices by namespace, then Service name: asked about each Service several times, with no key text built per question */
  private readonly slicesByService = new Map<string, Map<string, KubeObject[]>>();
  /** per kind, its objects by namespace (null: some object has no namespace); built when first asked */
  private readonly byNamespace = new Map<string, Map<string, KubeObject[]> | null>();
  /** metallbObjects(kind), computed once: rules ask for them again and again */
  private readonly visible = new Map<string, KubeObject[]>();

  constructor(layers: StateLayer[], opts: DeriveOptions = {}) {
    const m = mergeLayers(layers);
    const from = opts[PROVENANCE];
    this.lineage = from ? from.lineage : {};
    if (from) {
      m.fromCluster = from.fromCluster;
      m.bundle = from.bundle;
    }
    this.byKey = m.index;
    this.objects = m.objects;
    for (let i = 0; i < m.objects.length; i++) this.indexKind(m.objects[i]!, m.kinds[i]!);
    this.duplicates = m.duplicates;
    this.fromCluster = m.fromCluster;
    this.loadIssues = m.issues;
    this.skippedKinds = m.skipped;
    this.skippedNotKubernetes = m.notKubernetes;
    this.files = m.files;
    this.logFiles = m.logFiles;
    this.logs = m.logs;
    this.metrics = m.metrics;
    this.bundle = m.bundle;
    this.captured = m.captured;
    this.gaps = m.gaps;
    this.sourceKind = from
      ? from.sourceKind
      : layers.some((l) => l.kind === 'cluster')
        ? 'cluster'
        : layers.some((l) => l.kind === 'snapshot')
          ? 'snapshot'
          : 'manifests';
    this.sourcePath = from ? from.sourcePath : layers.map((l) => l.path).filter(Boolean).join(', ') || undefined;
    this.controllerRunning = opts.controllerRunning ?? false;
    this.indexServices();
    this.indexNodes();
    this.indexEndpointSlices();
    this.metallb = detectInstallation(this, opts.metallbNamespace);
    if (this.metallb.configMap) {
      this.legacy = deriveLegacyConfig(this.metallb.configMap);
      this.loadIssues = [...this.loadIssues, ...this.legacy.issues];
      this.objects = [...this.objects, ...this.legacy.objects];
      for (const obj of this.legacy.objects) {
        this.byKey.set(obj.kind, obj.metadata?.namespace, obj.metadata?.name ?? '', obj);
        this.indexKind(obj, stateKind(obj.apiVersion, obj.kind) ?? obj.kind);
      }
    }
    this.visible.clear();
  }

  /**
   * The same input holding other objects: a what-if's world. The new state keeps where its objects
   * came from (which ones a cluster gave, the source's kind and path, its bundle, the number of
   * files read), so rules treat a changed copy as they treat its original; it takes the captured
   * kinds and gaps given. The load's issues, logs and metrics describe the input as it was read,
   * not the changed world, and stay behind.
   */
  derive(objects: KubeObject[], captured: Iterable<string>, gaps: readonly Gap[], opts: StateOptions = {}): ClusterState {
    const layer: StateLayer = {
      load: { objects, issues: [], files: this.files, skippedNotKubernetes: 0, logFiles: [], bundle: { format: 'metallb-doctor-bundle/v1', metallbNamespace: this.metallb.namespace, captured: [...captured], gaps: [...gaps] } },
      kind: 'snapshot',
    };
    return new ClusterState([layer], { ...opts, [PROVENANCE]: this });
  }

  private indexKind(obj: KubeObject, kind: string): void {
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = []));
    list.push(obj);
  }

  /** All objects of a kind, in input order. */
  all<T extends KubeObject = KubeObject>(kind: string): T[] {
    return (this.byKind.get(kind) ?? []) as T[];
  }

  /**
   * The objects of a kind in one namespace, in input order (the array is shared: never change it).
   * Undefined when some object of the kind has no namespace, or one that is not a string: where
   * such an object belongs is the caller's rule (a manifest applied with `-n`, or "default"), so
   * the caller filters `all(kind)` by it. A large cluster's Pods are read by namespace this way.
   */
  inNamespace<T extends KubeObject = KubeObject>(kind: string, namespace: string): readonly T[] | undefined {
    let index = this.byNamespace.get(kind);
    if (index === undefined) {
      index = new Map();
      for (const o of this.all(kind)) {
        const ns = o.metadata?.namespace;
        if (typeof ns !== 'string' || ns === '') {
          index = null;
          break;
        }
        let list = index.get(ns);
        if (!list) index.set(ns, (list = []));
        list.push(o);
      }
      this.byNamespace.set(kind, index);
    }
    return index === null ? undefined : ((index.get(namespace) ?? NONE) as readonly T[]);
  }

  get<T extends KubeObject = KubeObject>(kind: string, namespace: string | undefined, name: string): T | undefined {
    return this.byKey.get(kind, namespace, name) as T | undefined;
  }

  /**
   * Whether the object was read from a cluster (live, or a bundle a snapshot wrote): the API server
   * accepted it, so its schema was checked there already. Manifests and plain directories are not.
   */
  isFromCluster(obj: KubeObject): boolean {
    if (this.fromCluster.all) return true;
    if (this.fromCluster.roots.length === 0) return false;
    const file = sourceOf(obj)?.file;
    if (file === undefined) return false;
    // objects come file by file: the answer for the last file is the next object's too
    if (file !== this.lastFile) {
      this.lastFile = file;
      this.lastFileFromCluster = this.fromCluster.roots.some((r) => file.startsWith(r));
    }
    return this.lastFileFromCluster;
  }
  private lastFile?: string;
  private lastFileFromCluster = false;

  /**
   * Whether the input holds every object of the kind (absent means none exist), or, with a
   * namespace (and name), every object of it there: a live read takes some kinds only where rules
   * look (Pods of MetalLB's namespace, the Secrets MetalLB uses), recorded as `Kind@namespace`
   * and `Kind@namespace/name` in bundle.json's captured list.
   */
  isCaptured(kind: string, namespace?: string, name?: string): boolean {
    if (this.captured.has(kind)) return true;
    if (namespace === undefined) return false;
    if (this.captured.has(`${kind}@${namespace}`)) return true;
    return name !== undefined && this.captured.has(`${kind}@${namespace}/${name}`);
  }

  /**
   * Whether the EndpointSlices of a namespace's Services are known; without a namespace, whether
   * those of every LoadBalancer Service are (a live read takes them per namespace).
   */
  endpointSlicesCaptured(namespace?: string): boolean {
    if (this.captured.has('EndpointSlice')) return true;
    if (namespace !== undefined) return this.isCaptured('EndpointSlice', namespace);
    const lb = this.all('Service').filter((s) => asRecord(s.spec).type === 'LoadBalancer');
    return lb.length > 0 && lb.every((s) => this.isCaptured('EndpointSlice', s.metadata?.namespace || 'default'));
  }

  /** The namespaces where a kind was read in full, when it was not read everywhere ('all' when it was). */
  capturedNamespaces(kind: string): 'all' | string[] {
    if (this.captured.has(kind)) return 'all';
    const prefix = `${kind}@`;
    return [...this.captured].filter((c) => c.startsWith(prefix) && !c.includes('/', prefix.length)).map((c) => c.slice(prefix.length));
  }

  /**
   * Objects of a MetalLB kind that MetalLB itself sees: those in its namespace, and those
   * without a namespace (manifests applied with `-n`, or through a kustomization).
   */
  metallbObjects<T extends KubeObject = KubeObject>(kind: string): T[] {
    let hit = this.visible.get(kind);
    if (!hit) {
      const ns = this.metallb.namespace;
      // an object whose name is not a string never reaches MetalLB (the API server refuses it;
      // object-schema-invalid reports it), so MetalLB's own logic never sees one
      hit = this.all(kind).filter((o) => {
        const md = o.metadata;
        if (md !== undefined && (typeof md !== 'object' || md === null || Array.isArray(md))) return false;
        if (md?.name !== undefined && typeof md.name !== 'string') return false;
        return !md?.namespace || md.namespace === ns;
      });
      this.visible.set(kind, hit);
    }
    return hit as T[];
  }

  /** LoadBalancer Services holding (status) or requesting an address, by address text. */
  servicesByAddress(ip: string): KubeObject[] {
    return this.servicesByIP.get(ip) ?? [];
  }

  /** Nodes carrying a label (any value when value is undefined). */
  nodesWithLabel(label: string, value?: string): KubeObject[] {
    const byValue = this.nodesByLabel.get(label);
    if (!byValue) return [];
    if (value !== undefined) return byValue.get(value) ?? [];
    return [...byValue.values()].flat();
  }

  endpointSlicesFor(namespace: string, service: string): KubeObject[] {
    return this.slicesByService.get(namespace)?.get(service) ?? [];
  }

  private indexServices(): void {
    for (const svc of this.all('Service')) {
      const spec = asRecord(svc.spec);
      const status = asRecord(asRecord(svc.status).loadBalancer);
      const ips = new Set<string>();
      for (const ing of asArray(status.ingress)) {
        const ip = asRecord(ing).ip;
        if (typeof ip === 'string') ips.add(ip);
      }
      if (typeof spec.loadBalancerIP === 'string' && spec.loadBalancerIP) ips.add(spec.loadBalancerIP);
      for (const ip of ips) {
        let list = this.servicesByIP.get(ip);
        if (!list) this.servicesByIP.set(ip, (list = []));
        list.push(svc);
      }
    }
  }

  private indexNodes(): void {
    for (const node of this.all('Node')) {
      for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
        let byValue = this.nodesByLabel.get(k);
        if (!byValue) this.nodesByLabel.set(k, (byValue = new Map()));
        const list = byValue.get(String(v)) ?? [];
        list.push(node);
        byValue.set(String(v), list);
      }
    }
  }

  private indexEndpointSlices(): void {
    for (const slice of this.all('EndpointSlice')) {
      const svc = slice.metadata?.labels?.['kubernetes.io/service-name'];
      if (!svc) continue;
      // a manifest without a namespace lands, as its Service does, in the namespace it is applied to: "default" here
      const ns = String(slice.metadata.namespace || 'default');
      let byName = this.slicesByService.get(ns);
      if (!byName) this.slicesByService.set(ns, (byName = new Map()));
      const list = byName.get(String(svc));
      if (list) list.push(slice);
      else byName.set(String(svc), [slice]);
    }
  }
}

interface Merged {
  /** in input order (an object replaced by a later one where the later one is) */
  objects: KubeObject[];
  /** each object's kind (stateKind), beside it */
  kinds: string[];
  index: ObjectIndex;
  duplicates: Duplicate[];
  issues: LoadIssue[];
  skipped: Map<string, number>;
  notKubernetes: number;
  files: number;
  logFiles: string[];
  logs: ContainerLog[];
  metrics: PodMetrics[];
  bundle?: BundleManifest;
  captured: Set<string>;
  gaps: Gap[];
  /** objects of layers captured from a cluster: a live layer (all), or a bundle's files (by their root) */
  fromCluster: { all: boolean; roots: string[] };
}

/**
 * Later layers replace earlier objects of the same kind/namespace/name: `lint FILES --from
 * SNAPSHOT` lays the files over the snapshot, as an apply would. Within one input the later copy
 * wins too, and the earlier is recorded as a duplicate.
 */
function mergeLayers(layers: StateLayer[]): Merged {
  const m: Merged = { objects: [], kinds: [], index: new ObjectIndex(), duplicates: [], issues: [], skipped: new Map(), notKubernetes: 0, files: 0, logFiles: [], logs: [], metrics: [], captured: new Set(), gaps: [], fromCluster: { all: false, roots: [] } };
  // A MetalLB object without a namespace is applied into MetalLB's (kubectl -n, kustomize); the
  // snapshot's bundle.json knows which that is, so it replaces the snapshot's object of that name.
  const defaultNs = layers.map((l) => l.load.bundle?.metallbNamespace).find(Boolean);
  // where each object is in `objects` (a replaced object's place is emptied, then dropped): built
  // at the first replacement, which most inputs never have
  let slots: Map<KubeObject, number> | undefined;
  const objects: (KubeObject | undefined)[] = [];
  const kinds: string[] = [];
  let replaced = 0;
  for (const [i, layer] of layers.entries()) {
    m.issues.push(...layer.load.issues);
    m.notKubernetes += layer.load.skippedNotKubernetes;
    m.files += layer.load.files;
    m.logFiles.push(...layer.load.logFiles);
    if (layer.load.logs) m.logs.push(...layer.load.logs);
    if (layer.load.metrics) m.metrics.push(...layer.load.metrics);
    m.bundle = layer.load.bundle ?? m.bundle;
    // the keys this layer has set, to tell a duplicate within one input (reported for manifests
    // only); in the first layer every key there is is its own, so it needs no set
    const inLayer = layer.kind === 'manifests' && i > 0 ? new Set<KubeObject>() : undefined;
    if (layer.kind === 'cluster') m.fromCluster.all = true;
    else if (layer.load.bundleRoot !== undefined) m.fromCluster.roots.push(layer.load.bundleRoot);
    let lastApi: unknown;
    let lastKindField: unknown;
    let lastKind: string | undefined;
    for (const obj of layer.load.objects) {
      // objects come kind by kind: the last object's kind is mostly the next one's
      if (obj.apiVersion !== lastApi || obj.kind !== lastKindField || typeof obj.apiVersion !== 'string') {
        lastApi = obj.apiVersion;
        lastKindField = obj.kind;
        lastKind = stateKind(obj.apiVersion, obj.kind);
      }
      const kind = lastKind;
      if (kind === undefined) {
        m.skipped.set(obj.kind, (m.skipped.get(obj.kind) ?? 0) + 1);
        continue;
      }
      const name = obj.metadata?.name;
      // generateName objects are new objects each time they are created: never the same one
      if (typeof name === 'string' && name) {
        const ns = obj.metadata?.namespace ?? (METALLB_KINDS.has(kind) ? defaultNs : undefined);
        const earlier = m.index.set(kind, ns, name, obj);
        if (earlier) {
          if (layer.kind === 'manifests' && (inLayer?.has(earlier) ?? true)) m.duplicates.push({ shadowed: earlier, by: obj });
          // keep the replacing object's file order
          if (!slots) {
            slots = new Map();
            for (let j = 0; j < objects.length; j++) if (objects[j] !== undefined) slots.set(objects[j]!, j);
          }
          objects[slots.get(earlier)!] = undefined;
          slots.delete(earlier);
          replaced++;
        }
        inLayer?.add(obj);
        slots?.set(obj, objects.length);
      }
      objects.push(obj);
      kinds.push(kind);
    }
    for (const kind of capturedKinds(layer)) m.captured.add(kind);
    if (layer.load.bundle?.gaps) m.gaps.push(...layer.load.bundle.gaps);
  }
  if (replaced === 0) {
    m.objects = objects as KubeObject[];
    m.kinds = kinds;
  } else {
    for (let i = 0; i < objects.length; i++) {
      if (objects[i] === undefined) continue;
      m.objects.push(objects[i]!);
      m.kinds.push(kinds[i]!);
    }
  }
  const known = new Set(m.gaps.flatMap((g) => (g.kind ? [g.what, `list ${g.kind}`] : [g.what])));
  // a kind read only where rules look (`Kind@namespace`) is a choice of scope, not a gap
  const scoped = new Set([...m.captured].filter((c) => c.includes('@')).map((c) => c.slice(0, c.indexOf('@'))));
  for (const kind of new Set(Object.values(MODELLED_KINDS).flat())) {
    const what = `list ${kind}`;
    if (!m.captured.has(kind) && !scoped.has(kind) && !known.has(what)) m.gaps.push({ what, why: 'not in the input' });
  }
  return m;
}

/**
 * Which kinds a layer captured. A bundle says so in bundle.json. Input without it is "the MetalLB
 * configuration as given": if it holds any MetalLB configuration object (or a legacy config
 * ConfigMap), all MetalLB configuration kinds count as captured; other kinds only where they appear.
 */
function capturedKinds(layer: StateLayer): string[] {
  const listed = layer.load.bundle?.captured;
  if (listed) return listed;
  const present = new Set(layer.load.objects.map((o) => stateKind(o.apiVersion, o.kind) ?? o.kind));
  const hasConfig =
    [...METALLB_CONFIG_KINDS].some((k) => present.has(k)) ||
    layer.load.objects.some((o) => o.kind === 'ConfigMap' && isLegacyConfigCandidate(o));
  if (hasConfig) for (const k of METALLB_CONFIG_KINDS) present.add(k);
  return [...present];
}

function isLegacyConfigCandidate(o: KubeObject): boolean {
  const config = asRecord(o.data).config;
  return typeof config === 'string' && /(^|\n)\s*(address-pools|peers)\s*:/.test(config);
}

export function asRecord(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
