// Where MetalLB runs, which version, which BGP backend and where it reads its configuration,
// found from the workloads the input holds (metallb-semantics.md sections 7 and 8).
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from './cluster-state.js';
import { asArray, asRecord } from './cluster-state.js';
import { METALLB_CONFIG_KINDS } from '../model/kinds.js';
import { isLegacyConfigMap } from '../model/legacy.js';

export type BGPBackend = 'native' | 'frr' | 'frr-k8s';

export interface MetalLBInstallation {
  namespace: string;
  /** how the namespace was found */
  namespaceFrom: 'flag' | 'workloads' | 'bundle' | 'objects' | 'default';
  controller?: KubeObject;
  speaker?: KubeObject;
  /** image tag of the controller or speaker, e.g. "v0.14.8" */
  version?: string;
  bgpBackend?: BGPBackend;
  installedBy?: 'helm' | 'manifests' | 'operator';
  /** 'configmap' for MetalLB <= 0.12, or manifests holding only a legacy ConfigMap */
  configSource: 'crs' | 'configmap' | 'unknown';
  /** the legacy ConfigMap's name (the --config argument, default "config") */
  configMapName: string;
  /** the legacy ConfigMap MetalLB reads, when configSource is 'configmap' and it exists */
  configMap?: KubeObject;
}

const DEFAULT_NAMESPACE = 'metallb-system';
const IMAGE = /(^|\/)metallb\/(controller|speaker)(:|@|$)/;

/** Is this Deployment/DaemonSet MetalLB's controller or speaker? */
export function metallbComponent(obj: KubeObject): 'controller' | 'speaker' | undefined {
  if (obj.kind !== 'Deployment' && obj.kind !== 'DaemonSet') return undefined;
  const want = obj.kind === 'Deployment' ? 'controller' : 'speaker';
  const labels = { ...(obj.metadata?.labels ?? {}), ...podTemplateLabels(obj) };
  if (labels['app.kubernetes.io/name'] === 'metallb' && labels['app.kubernetes.io/component'] === want) return want;
  if (labels.app === 'metallb' && labels.component === want) return want;
  for (const c of containers(obj)) {
    const m = IMAGE.exec(String(asRecord(c).image ?? ''));
    if (m && m[2] === want) return want;
  }
  return undefined;
}

export function containers(workload: KubeObject): Record<string, unknown>[] {
  const podSpec = asRecord(asRecord(asRecord(workload.spec).template).spec);
  return asArray(podSpec.containers).map(asRecord);
}

function podTemplateLabels(obj: KubeObject): Record<string, string> {
  const labels = asRecord(asRecord(asRecord(asRecord(obj.spec).template).metadata).labels);
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)]));
}

function imageTag(workload: KubeObject | undefined, component: string): string | undefined {
  if (!workload) return undefined;
  for (const c of containers(workload)) {
    const image = String(c.image ?? '');
    if (!image.includes(`metallb/${component}`)) continue;
    const at = image.indexOf('@');
    const ref = at >= 0 ? image.slice(0, at) : image;
    const colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) return ref.slice(colon + 1);
  }
  return undefined;
}

function env(c: Record<string, unknown>, name: string): string | undefined {
  for (const e of asArray(c.env)) {
    const r = asRecord(e);
    if (r.name === name && typeof r.value === 'string') return r.value;
  }
  return undefined;
}

function args(c: Record<string, unknown>): string[] {
  return [...asArray(c.command), ...asArray(c.args)].map(String);
}

/** Value of `--flag=value` or `--flag value` among a container's arguments; the last one counts, as in Go's flag package. */
export function argValue(c: Record<string, unknown>, flag: string): string | undefined {
  const a = args(c);
  let value: string | undefined;
  for (let i = 0; i < a.length; i++) {
    if (a[i] === `--${flag}` || a[i] === `-${flag}`) value = a[i + 1];
    else for (const p of [`--${flag}=`, `-${flag}=`]) if (a[i]!.startsWith(p)) value = a[i]!.slice(p.length);
  }
  return value;
}

// strconv.ParseBool, which Go's flag.Bool applies to `--flag=VALUE`
const GO_BOOL = new Map<string, boolean>([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((v) => [v, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((v) => [v, false] as const),
]);

/**
 * A Go `flag.Bool` among a container's arguments: `--flag` alone is true (a boolean flag never
 * takes the next argument: `--flag false` is true, and "false" ends the flags), `--flag=VALUE` is
 * strconv.ParseBool(VALUE); the last one counts. Undefined when absent, or when Go refuses the value
 * (the program then exits at start).
 */
export function boolFlag(c: Record<string, unknown>, flag: string): boolean | undefined {
  let value: boolean | undefined;
  for (const a of args(c)) {
    if (a === `--${flag}` || a === `-${flag}`) value = true;
    else for (const p of [`--${flag}=`, `-${flag}=`]) if (a.startsWith(p)) value = GO_BOOL.get(a.slice(p.length));
  }
  return value;
}

/** v0.12.1 -> [0, 12, 1]; "main" or a digest -> undefined */
export function parseVersion(v: string | undefined): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** v >= major.minor.patch; undefined when the version is not known (callers decide what that means). */
export function versionAtLeast(v: string | undefined, major: number, minor: number, patch = 0): boolean | undefined {
  const p = parseVersion(v);
  if (!p) return undefined;
  const want = [major, minor, patch];
  for (let i = 0; i < 3; i++) if (p[i] !== want[i]) return p[i]! > want[i]!;
  return true;
}

export function versionBefore(v: string | undefined, major: number, minor: number): boolean | undefined {
  const p = parseVersion(v);
  if (!p) return undefined;
  return p[0] < major || (p[0] === major && p[1] < minor);
}

export function detectInstallation(state: ClusterState, flagNamespace?: string): MetalLBInstallation {
  const workloads = [...state.all('Deployment'), ...state.all('DaemonSet')];
  const controller = workloads.find((w) => metallbComponent(w) === 'controller');
  const speaker = workloads.find((w) => metallbComponent(w) === 'speaker');

  let namespace = flagNamespace;
  let namespaceFrom: MetalLBInstallation['namespaceFrom'] = 'flag';
  if (!namespace) {
    namespace = (controller ?? speaker)?.metadata?.namespace;
    namespaceFrom = 'workloads';
  }
  if (!namespace && state.bundle?.metallbNamespace) {
    namespace = state.bundle.metallbNamespace;
    namespaceFrom = 'bundle';
  }
  if (!namespace) {
    namespace = namespaceOfConfigObjects(state);
    namespaceFrom = 'objects';
  }
  if (!namespace) {
    namespace = DEFAULT_NAMESPACE;
    namespaceFrom = 'default';
  }

  const version = imageTag(controller, 'controller') ?? imageTag(speaker, 'speaker');
  const speakerContainers = speaker ? containers(speaker) : [];
  const speakerMain = speakerContainers.find((c) => String(c.image ?? '').includes('metallb/speaker')) ?? speakerContainers[0];
  let bgpBackend: BGPBackend | undefined;
  if (speaker) {
    const type = speakerMain ? env(speakerMain, 'METALLB_BGP_TYPE') : undefined;
    if (type === 'frr' || type === 'frr-k8s') bgpBackend = type;
    else if (speakerContainers.some((c) => c.name === 'frr')) bgpBackend = 'frr';
    else bgpBackend = 'native';
  }

  const any = controller ?? speaker;
  const labels = any?.metadata?.labels ?? {};
  const installedBy: MetalLBInstallation['installedBy'] = !any
    ? undefined
    : asArray(any.metadata?.ownerReferences).some((r) => String(asRecord(r).apiVersion ?? '').startsWith('metallb.io/'))
      ? 'operator'
      : labels['app.kubernetes.io/managed-by'] === 'Helm' || labels['helm.sh/chart']
        ? 'helm'
        : 'manifests';

  const controllerMain = controller ? containers(controller)[0] : undefined;
  const configMapName = (controllerMain && argValue(controllerMain, 'config')) ?? 'config';
  const legacy = versionBefore(version, 0, 13);
  const hasCRs = [...METALLB_CONFIG_KINDS].some((k) => state.all(k).length > 0);
  // A running legacy MetalLB names its ConfigMap (--config); manifests alone only show one that
  // looks like a legacy configuration.
  const maps = state
    .all('ConfigMap')
    .filter((cm) => !cm.metadata?.namespace || cm.metadata.namespace === namespace)
    .filter((cm) => typeof asRecord(cm.data).config === 'string');
  const legacyMap = any ? maps.find((cm) => cm.metadata?.name === configMapName) : maps.find(isLegacyConfigMap);
  const configSource: MetalLBInstallation['configSource'] =
    legacy === true ? 'configmap' : legacy === false ? 'crs' : hasCRs ? 'crs' : legacyMap ? 'configmap' : 'unknown';
  const configMap = configSource === 'configmap' ? legacyMap : undefined;

  return { namespace, namespaceFrom, controller, speaker, version, bgpBackend, installedBy, configSource, configMapName, configMap };
}

/**
 * Without workloads, the namespace most MetalLB configuration objects name. `default` is never
 * inferred: MetalLB is not installed there, while configuration put there by mistake is common.
 */
function namespaceOfConfigObjects(state: ClusterState): string | undefined {
  const counts = new Map<string, number>();
  for (const kind of METALLB_CONFIG_KINDS) {
    for (const o of state.all(kind)) {
      const ns = o.metadata?.namespace;
      if (ns && ns !== 'default') counts.set(ns, (counts.get(ns) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  let bestCount = 0;
  for (const [ns, n] of counts) {
    if (n > bestCount || (n === bestCount && ns === DEFAULT_NAMESPACE)) [best, bestCount] = [ns, n];
  }
  return best;
}
