// What every source hands to the state layer: plain Kubernetes objects, each remembering
// where it came from (file:line:column of the object and of each of its fields).

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  generateName?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [k: string]: unknown;
}

/** A Kubernetes object as read: the parsed value itself, untouched except for Secret values. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

/** A path into an object: keys and array indexes, e.g. ['spec', 'addresses', 0]. */
export type FieldPath = ReadonlyArray<string | number>;

export interface Position {
  file: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

/**
 * Where an object came from. `fields` maps pathKey(path) to a packed position
 * (see packPos); it holds the position of every mapping value and sequence item.
 * Block scalars (`|`, `>`) are recorded at their first content line and indentation,
 * so text embedded in them (the legacy ConfigMap) can be mapped back to the file.
 */
export interface ObjectSource {
  file: string;
  line: number;
  column: number;
  /** index of the YAML document in its file (0-based); the index in a List's items is in `listIndex` */
  docIndex: number;
  listIndex?: number;
  fields: ReadonlyMap<string, number>;
  /**
   * pathKeys of the literal block scalars (`|`) among `fields`: their text maps line by line to
   * the file, starting at the recorded position (see parseEmbeddedYaml); other strings do not.
   */
  literalBlocks?: ReadonlySet<string>;
  /** set when the object was derived from another one (legacy ConfigMap -> CRs) */
  derivedFrom?: { kind: string; namespace?: string; name: string };
}

const SOURCE = Symbol.for('metallb-doctor.source');

export function attachSource<T extends object>(obj: T, src: ObjectSource): T {
  Object.defineProperty(obj, SOURCE, { value: src, enumerable: false, configurable: true, writable: true });
  return obj;
}

export function sourceOf(obj: object): ObjectSource | undefined {
  return (obj as Record<symbol, ObjectSource | undefined>)[SOURCE];
}

/** Key for ObjectSource.fields; \u001f cannot occur in YAML keys a human writes. */
export function pathKey(path: FieldPath): string {
  return path.join('\u001f');
}

// line * 2^20 + column: lines up to 2^33, columns up to 2^20 (longer columns saturate).
const COL = 1 << 20;
export function packPos(line: number, column: number): number {
  return line * COL + Math.min(column, COL - 1);
}
export function unpackPos(p: number): { line: number; column: number } {
  return { line: Math.floor(p / COL), column: p % COL };
}

/**
 * The position of a field, or of its nearest ancestor that has one, or of the object.
 * Rules call this to point at the offending value.
 */
export function positionOf(obj: object, path: FieldPath = []): Position | undefined {
  const src = sourceOf(obj);
  if (!src) return undefined;
  for (let n = path.length; n > 0; n--) {
    const p = src.fields.get(pathKey(path.slice(0, n)));
    if (p !== undefined) return { file: src.file, ...unpackPos(p) };
  }
  return { file: src.file, line: src.line, column: src.column };
}

/** Problems found while reading input, before any rule runs; the input rules report them. */
export type LoadIssueKind = 'syntax' | 'ambiguous-boolean' | 'duplicate-key';
export interface LoadIssue {
  kind: LoadIssueKind;
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Input that cannot be read at all: the CLI turns it into a one-line error and exit 3. */
export class InputError extends Error {
  constructor(
    public readonly file: string,
    message: string,
    public readonly line?: number,
  ) {
    super(message);
    this.name = 'InputError';
  }
  get oneLine(): string {
    return `${this.file}${this.line ? `:${this.line}` : ''}: ${this.message}`;
  }
}

/** The tool cannot reach or use its source (no kubeconfig, no such context, cluster unreachable): one line, exit 3. */
export class SourceError extends Error {
  override name = 'SourceError';
}

export interface Gap {
  what: string;
  why: string;
  /** the kind the gap leaves unknown, as ClusterState names it (a live read's gaps say) */
  kind?: string;
}

/** The result of reading any input: objects, their problems, and what was (not) captured. */
export interface LoadResult {
  objects: KubeObject[];
  issues: LoadIssue[];
  /** files read */
  files: number;
  /** documents skipped because they are not Kubernetes objects (no apiVersion/kind), by file */
  skippedNotKubernetes: number;
  /** bundle.json, when the input was a bundle */
  bundle?: BundleManifest;
  /** the prefix of the file names of the bundle's objects (its directory with a trailing slash, or `<tarball>!<dir>/`) */
  bundleRoot?: string;
  /** log files of a bundle: logs/<namespace>/<pod>/<container>[.previous].log, as paths */
  logFiles: string[];
  /** container logs read from a live cluster (--logs), held in memory */
  logs?: ContainerLog[];
  /** MetalLB's metrics per pod (--metrics live, metrics/ in a bundle), parsed */
  metrics?: PodMetrics[];
}

export type { PodMetrics } from '../model/metrics.js';
import type { PodMetrics } from '../model/metrics.js';

export interface ContainerLog {
  namespace: string;
  pod: string;
  container: string;
  /** the previous container's log (after a restart) */
  previous: boolean;
  text: string;
}

export interface BundleManifest {
  format: string;
  createdAt?: string;
  tool?: { name?: string; version?: string };
  context?: string;
  kubernetesVersion?: string;
  metallbNamespace?: string;
  /** kinds captured (e.g. "Service", "IPAddressPool"); absent kinds are gaps */
  captured?: string[];
  gaps?: Gap[];
  errors?: string[];
}
