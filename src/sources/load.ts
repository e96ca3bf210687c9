// loadInputs: files, directories, stdin and bundles -> objects with positions.
//
// Bundle files inside a tarball are named `<tarball>!<path in the bundle>`, e.g.
// `snap.tar.gz!resources/services.json` and `snap.tar.gz!logs/metallb-system/speaker-x/speaker.log`;
// readBundleFile() reads either form.

import { createReadStream, readFileSync } from 'node:fs';
import { open, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';
import { join } from 'node:path';
import type { ReadEntry } from 'tar';
import type { BundleManifest, LoadIssue, LoadResult } from './types.js';
import { InputError, sourceOf } from './types.js';
import { parseYamlText } from './yaml.js';
import { parseJsonText } from './json.js';
import { LAZY_JSON_FROM, parseJsonLazily } from './lazy-json.js';
import { collectObjects } from './objects.js';
import { DocumentCutter, type Piece } from './yaml-pieces.js';
import { releaseInterned } from './compact.js';
import type { ParsedText } from './parsed.js';
import { parseMetrics } from '../model/metrics.js';

export const BUNDLE_FORMAT = 'metallb-doctor-bundle/v1';
export const STDIN_NAME = '<stdin>';

const MANIFEST_EXT = /\.(ya?ml|json)$/i;
const TARBALL = /\.(tar\.gz|tgz)$/i;
/** files read at once from a directory: enough to hide latency, far below any fd limit */
const READ_CONCURRENCY = 16;
/** bytes of resources buffered from one tarball */
const MAX_TAR_BYTES = 1 << 30;

type Format = 'yaml' | 'json' | 'sniff';

/** An fs error as the one line the CLI prints. */
function fsError(file: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const msg =
    code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file or directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ELOOP' ? 'too many levels of symbolic links'
    : code === 'EISDIR' ? 'is a directory'
    : code ? `cannot read (${code})`
    : `cannot read: ${String((e as Error)?.message ?? e).split('\n')[0]}`;
  return new InputError(file, msg);
}

function lineColAt(buf: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = buf.indexOf(10); i >= 0 && i < offset; i = buf.indexOf(10, i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    let n: number;
    let min: number;
    if (c < 0x80) { i++; continue; }
    else if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else return i;
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (d & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += n + 1;
  }
  return -1;
}

/** Bytes -> text, or the syntax issue that says why the bytes are not text. */
export function decodeText(buf: Uint8Array, file: string): { text: string } | { issue: LoadIssue } {
  const c = checkBytes(buf, file);
  if ('issue' in c) return c;
  return { text: textOf(c) };
}

/**
 * The checked bytes as text. Decoded as UTF-8 even when ASCII: latin1 would copy faster, but Node
 * makes a large latin1 text an external string, which JSON.parse reads 20-40 % slower.
 */
function textOf(c: { bytes: Uint8Array }): string {
  return Buffer.from(c.bytes.buffer, c.bytes.byteOffset, c.bytes.byteLength).toString('utf8');
}

/** The text's bytes without a BOM, or why they are not YAML/JSON text. */
function checkBytes(
  buf: Uint8Array,
  file: string,
  opts: { start?: boolean; whole?: boolean } = { start: true, whole: true },
): { bytes: Uint8Array } | { issue: LoadIssue } {
  let b = buf;
  const issue = (offset: number, message: string) => ({ issue: { kind: 'syntax' as const, file, ...lineColAt(b, offset), message } });
  // a BOM or UTF-16 can only be at the start of the file; blankness only said of a whole file
  if (opts.start) {
    if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) b = b.subarray(3);
    if ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff)) return issue(0, 'UTF-16 text: save the file as UTF-8');
  }
  const nul = b.indexOf(0);
  if (nul >= 0) return issue(nul, 'binary data (a NUL byte), not YAML or JSON text');
  // isAscii answers first, and faster: ASCII is valid UTF-8
  if (!isAscii(b) && !isUtf8(b)) {
    const bad = firstInvalidUtf8(b);
    return issue(Math.max(bad, 0), 'invalid UTF-8');
  }
  let blank = opts.whole === true;
  for (let i = 0; blank && i < b.length; i++) {
    const c = b[i]!;
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
      blank = false;
      break;
    }
  }
  if (blank) return issue(0, 'empty file');
  return { bytes: b };
}

/** YAML files from this size on are parsed in pieces (see yaml-pieces.ts). */
const PIECES_FROM = 1 << 20;
const READ_SIZE = 64 << 10;

function formatOf(name: string): Format {
  if (/\.json$/i.test(name)) return 'json';
  if (/\.ya?ml$/i.test(name)) return 'yaml';
  return 'sniff';
}

/** Parses a text as JSON or YAML: by extension, or by its first character when unknown. */
export function parseText(text: string, file: string, format: Format): ParsedText {
  if (format === 'json') return parseJsonText(text, file);
  if (format === 'yaml') return parseYamlText(text, file);
  const m = /^\s*(\S)/.exec(text.slice(0, 4096));
  const c = m?.[1];
  if (c === '{' || c === '[') {
    const j = parseJsonText(text, file);
    if (!j.issues.some((i) => i.kind === 'syntax')) return j;
    const y = parseYamlText(text, file); // a YAML flow mapping also starts with '{'
    return y.issues.some((i) => i.kind === 'syntax') ? j : y;
  }
  return parseYamlText(text, file);
}

class Loader {
  readonly result: LoadResult = { objects: [], issues: [], files: 0, skippedNotKubernetes: 0, logFiles: [] };
  /** reading the resources of a bundle directory: large JSON files take JSON.parse, positions on demand */
  lazyJson = false;

  addBuffer(buf: Uint8Array, file: string, format: Format): void {
    this.result.files++;
    if (format !== 'json' && buf.length >= PIECES_FROM && !looksLikeJson(buf)) {
      const pieces = new YamlPieceParser(file, this.result);
      // as if read: the cutter copies what it is given, a read's worth at a time
      for (let at = 0; at < buf.length; at += READ_SIZE) {
        for (const piece of pieces.cutter.push(buf.subarray(at, at + READ_SIZE))) if (!pieces.add(piece)) return;
      }
      pieces.finish();
      return;
    }
    const d = decodeText(buf, file);
    if ('issue' in d) {
      this.result.issues.push(d.issue);
      return;
    }
    if (this.lazyJson && format === 'json' && buf.length >= LAZY_JSON_FROM) {
      const reread = () => {
        try {
          const again = decodeText(readFileSync(file), file);
          return 'issue' in again ? undefined : again.text;
        } catch {
          return undefined; // gone since: positions fall back to the file's start
        }
      };
      const fast = parseJsonLazily(d.text, file, reread);
      if (fast) {
        collectObjects(fast.parsed, file, this.result, fast.lazy);
        return;
      }
    }
    collectObjects(parseText(d.text, file, format), file, this.result);
  }

  /** A large file read piece by piece; a JSON one (sniffed) is read whole. */
  private async addLargeFile(file: string): Promise<void> {
    let fh;
    try {
      fh = await open(file, 'r');
    } catch (e) {
      throw fsError(file, e);
    }
    try {
      const pieces = new YamlPieceParser(file, this.result);
      const buf = Buffer.allocUnsafe(READ_SIZE);
      for (let first = true; ; first = false) {
        const { bytesRead } = await fh.read(buf, 0, READ_SIZE, null).catch((e: unknown) => {
          throw fsError(file, e);
        });
        if (bytesRead === 0) break;
        // the cutter copies the chunk: one read buffer serves the whole file
        const chunk = buf.subarray(0, bytesRead);
        if (first && looksLikeJson(chunk)) {
          this.result.files--; // counted again by addBuffer
          this.addBuffer(await readFile(file).catch((e: unknown) => Promise.reject(fsError(file, e))), file, 'json');
          return;
        }
        for (const piece of pieces.cutter.push(chunk)) if (!pieces.add(piece)) return;
      }
      pieces.finish();
    } finally {
      await fh.close();
    }
  }

  setBundle(m: BundleManifest, file: string): void {
    if (this.result.bundle) throw new InputError(file, 'only one bundle can be read at a time');
    this.result.bundle = m;
    this.result.bundleRoot = file.slice(0, file.length - 'bundle.json'.length);
  }

  /** Reads files in order with a bounded number of reads in flight. */
  async addFiles(files: string[], format?: Format): Promise<void> {
    const pending: Array<Promise<Buffer | typeof LARGE>> = [];
    let next = 0;
    for (let i = 0; i < files.length; i++) {
      while (next < files.length && pending.length < READ_CONCURRENCY) {
        const f = files[next++]!;
        const fmt = format ?? formatOf(f);
        // large YAML files are streamed when their turn comes, not read ahead
        const read: Promise<Buffer | typeof LARGE> =
          fmt === 'json' ? readFile(f) : stat(f).then<Buffer | typeof LARGE>((st) => (st.isFile() && st.size >= PIECES_FROM ? LARGE : readFile(f)));
        const p = read.catch((e: unknown) => {
          throw fsError(f, e);
        });
        p.catch(() => undefined); // rejections are awaited in order below
        pending.push(p);
      }
      const got = await pending.shift()!;
      if (got === LARGE) await this.addLargeFile(files[i]!);
      else this.addBuffer(got, files[i]!, format ?? formatOf(files[i]!));
    }
  }
}

interface Tree {
  manifests: string[];
  logs: string[];
  /** metrics/<namespace>/<pod>/<port>.prom */
  metrics: string[];
}

/** Every manifest file below dir (sorted, symlinks followed once), and `.log` files below a `logs` directory. */
async function walkDir(dir: string, tree: Tree, visited: Set<string>, inLogs: boolean, inMetrics = false): Promise<void> {
  let real: string;
  let entries;
  try {
    real = await realpath(dir);
    if (visited.has(real)) return; // a symlink loop, or a directory reached twice
    visited.add(real);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    throw fsError(dir, e);
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const full = join(dir, e.name);
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const st = await stat(full);
        isDir = st.isDirectory();
        isFile = st.isFile();
      } catch {
        continue; // a dangling link is not input
      }
    }
    if (isDir) await walkDir(full, tree, visited, inLogs || e.name === 'logs', inMetrics || e.name === 'metrics');
    else if (isFile) {
      if (inMetrics && e.name.endsWith('.prom')) tree.metrics.push(full);
      else if (inLogs) {
        if (e.name.endsWith('.log')) tree.logs.push(full);
      } else if (MANIFEST_EXT.test(e.name)) tree.manifests.push(full);
    }
  }
}

/**
 * A bundle whose bundle.json says kinds were captured has a resources/ directory (snapshot always
 * writes one): without it every captured kind would read as "none exist", a report of nothing.
 */
function requireResources(m: BundleManifest, present: boolean, file: string): void {
  const n = Array.isArray(m.captured) ? m.captured.length : 0;
  if (!present && n > 0) throw new InputError(file, `not a bundle: no resources/ directory, though bundle.json lists ${n} captured kind${n === 1 ? '' : 's'} (an incomplete copy?)`);
}

function parseManifest(buf: Uint8Array, file: string): BundleManifest {
  let m: unknown;
  try {
    m = JSON.parse(Buffer.from(buf).toString('utf8'));
  } catch {
    throw new InputError(file, 'not a bundle: bundle.json is not valid JSON');
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw new InputError(file, 'not a bundle: bundle.json is not an object');
  const format = (m as { format?: unknown }).format;
  if (format !== BUNDLE_FORMAT) throw new InputError(file, `not a bundle: format ${JSON.stringify(format ?? null)}, expected ${BUNDLE_FORMAT}`);
  return m as BundleManifest;
}

async function loadDirectory(dir: string, loader: Loader): Promise<void> {
  const manifestPath = join(dir, 'bundle.json');
  let manifest: Buffer | undefined;
  try {
    manifest = await readFile(manifestPath);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'EISDIR') throw fsError(manifestPath, e);
  }
  const tree: Tree = { manifests: [], logs: [], metrics: [] };
  const visited = new Set<string>();
  if (manifest !== undefined) {
    const m = parseManifest(manifest, manifestPath);
    loader.setBundle(m, manifestPath);
    // A bundle: only resources/ holds objects.
    for (const sub of ['resources', 'logs', 'metrics']) {
      const p = join(dir, sub);
      let isDir = false;
      try {
        isDir = (await stat(p)).isDirectory();
      } catch {
        // absent
      }
      if (sub === 'resources') requireResources(m, isDir, dir);
      if (!isDir) continue;
      await walkDir(p, tree, visited, sub === 'logs', sub === 'metrics');
    }
  } else {
    await walkDir(dir, tree, visited, false);
  }
  loader.result.logFiles.push(...tree.logs);
  await addMetrics(loader.result, tree.metrics.map((f) => ({ name: f, read: () => readFile(f) })));
  // a bundle's resources are machine-written (snapshot): JSON.parse, positions on demand
  loader.lazyJson = manifest !== undefined;
  try {
    await loader.addFiles(tree.manifests);
  } finally {
    loader.lazyJson = false;
  }
}

function normalizeEntryPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** Streams a tarball, handing every regular file entry to onFile (which must consume or resume it). */
async function readTar(file: string, onFile: (path: string, entry: ReadEntry) => void, onDirectory?: (path: string) => void): Promise<void> {
  // loaded by the runs that read a tarball, not by every run (30 ms)
  const { Parser } = await import('tar');
  return new Promise((resolve, reject) => {
    let failed = false;
    const fail = (e: unknown) => {
      if (failed) return;
      failed = true;
      const msg = String((e as Error)?.message ?? e).split('\n')[0]!.replace(/^TAR_[A-Z_]+: /, '');
      reject((e as NodeJS.ErrnoException)?.code?.startsWith('E') && !(e as { tarCode?: string }).tarCode ? fsError(file, e) : new InputError(file, `not a bundle: ${msg}`));
    };
    const parser = new Parser({ strict: true });
    parser.on('entry', (entry: ReadEntry) => {
      if (entry.type === 'File' || entry.type === 'OldFile' || entry.type === 'ContiguousFile') onFile(normalizeEntryPath(entry.path), entry);
      else {
        if (entry.type === 'Directory') onDirectory?.(normalizeEntryPath(entry.path));
        entry.resume();
      }
    });
    parser.on('error', fail);
    parser.on('end', () => {
      if (!failed) resolve();
    });
    const input = createReadStream(file);
    input.on('error', (e) => {
      fail(e);
      parser.abort(e);
    });
    input.pipe(parser);
  });
}

function collect(entry: ReadEntry): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    entry.on('data', (c: Buffer) => chunks.push(c));
    entry.on('end', () => resolve(Buffer.concat(chunks)));
    entry.on('error', reject);
  });
}

async function loadTarball(file: string, loader: Loader): Promise<void> {
  const files = new Map<string, Promise<Buffer>>();
  const logs: string[] = [];
  const metrics = new Map<string, Promise<Buffer>>();
  let bytes = 0;
  const paths: string[] = [];
  await readTar(file, (path, entry) => {
    paths.push(path);
    const base = path.slice(path.lastIndexOf('/') + 1);
    if ((base === 'bundle.json' || MANIFEST_EXT.test(base)) && (bytes += entry.size ?? 0) <= MAX_TAR_BYTES) {
      files.set(path, collect(entry));
    } else {
      if (/(^|\/)logs\/.*\.log$/.test(path)) logs.push(path);
      if (/(^|\/)metrics\/.*\.prom$/.test(path) && (bytes += entry.size ?? 0) <= MAX_TAR_BYTES) {
        metrics.set(path, collect(entry));
        return;
      }
      entry.resume();
    }
  }, (dir) => paths.push(dir));
  if (bytes > MAX_TAR_BYTES) throw new InputError(file, 'not a bundle: more than 1 GiB of resources');
  const entries = new Map<string, Buffer>();
  for (const [p, b] of files) entries.set(p, await b);
  // The bundle root is where bundle.json is (the tarball may wrap it in one directory).
  const manifestPath = [...entries.keys()].filter((p) => p === 'bundle.json' || p.endsWith('/bundle.json')).sort((a, b) => a.length - b.length)[0];
  const prefix = manifestPath === undefined ? '' : manifestPath.slice(0, -'bundle.json'.length);
  const inBundle = (p: string) => p.startsWith(prefix);
  const rel = (p: string) => p.slice(prefix.length);
  if (manifestPath !== undefined) {
    const m = parseManifest(entries.get(manifestPath)!, `${file}!${manifestPath}`);
    requireResources(m, paths.some((p) => inBundle(p) && /^resources(\/|$)/.test(rel(p))), file);
    loader.setBundle(m, file);
  }
  const manifests = [...entries.keys()]
    .filter((p) => inBundle(p) && p !== manifestPath && MANIFEST_EXT.test(p) && (manifestPath === undefined || rel(p).startsWith('resources/')))
    .sort();
  for (const p of manifests) loader.addBuffer(entries.get(p)!, `${file}!${rel(p)}`, formatOf(p));
  loader.result.logFiles.push(
    ...logs
      .filter((p) => inBundle(p) && rel(p).startsWith('logs/'))
      .sort()
      .map((p) => `${file}!${rel(p)}`),
  );
  const metricPaths = [...metrics.keys()].filter((p) => inBundle(p) && rel(p).startsWith('metrics/')).sort();
  await addMetrics(loader.result, metricPaths.map((p) => ({ name: `${file}!${rel(p)}`, read: () => metrics.get(p)! })));
}

const METRICS_PATH = /(?:^|[/!])metrics\/([^/]+)\/([^/]+)\/([^/]+)\.prom$/;

/** metrics/<namespace>/<pod>/<port>.prom files, parsed (MetalLB's own samples only). */
async function addMetrics(result: LoadResult, files: { name: string; read(): Promise<Buffer> }[]): Promise<void> {
  for (const { name: f, read } of files) {
    const m = METRICS_PATH.exec(f.replace(/\\/g, '/'));
    if (!m) continue;
    let text: string;
    try {
      text = (await read()).toString('utf8');
    } catch (e) {
      throw fsError(f, e);
    }
    (result.metrics ??= []).push({ namespace: m[1]!, pod: m[2]!, port: m[3]!, samples: parseMetrics(text), file: f });
  }
}

async function readStream(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}

/**
 * Reads every input: files (a named file whatever its extension), directories (their
 * .yaml/.yml/.json files, recursively, in sorted order), `-` (stdin), and bundles (a directory
 * with bundle.json, or a .tar.gz/.tgz). Unreadable input throws InputError; everything
 * readable yields objects and issues.
 */
export async function loadInputs(paths: string[], opts: { stdin?: NodeJS.ReadableStream } = {}): Promise<LoadResult> {
  const loader = new Loader();
  try {
    await loadAll(paths, loader, opts);
  } finally {
    releaseInterned();
  }
  return loader.result;
}

async function loadAll(paths: string[], loader: Loader, opts: { stdin?: NodeJS.ReadableStream }): Promise<void> {
  for (const p of paths) {
    if (p === '-') {
      let buf: Buffer;
      try {
        buf = await readStream(opts.stdin ?? process.stdin);
      } catch (e) {
        throw fsError(STDIN_NAME, e);
      }
      loader.addBuffer(buf, STDIN_NAME, 'sniff');
      continue;
    }
    let st;
    try {
      st = await stat(p);
    } catch (e) {
      throw fsError(p, e);
    }
    if (st.isDirectory()) await loadDirectory(p, loader);
    else if (TARBALL.test(p)) await loadTarball(p, loader);
    else if (st.isFile()) await loader.addFiles([p], formatOf(p));
    else throw new InputError(p, 'not a regular file or directory');
  }
}

/** Reads a file listed by loadInputs (a log file), including `<tarball>!<path>` names. */
export async function readBundleFile(name: string): Promise<Buffer> {
  const m = /^(.*\.(?:tar\.gz|tgz))!(.+)$/i.exec(name);
  if (!m) {
    try {
      return await readFile(name);
    } catch (e) {
      throw fsError(name, e);
    }
  }
  const [, tarball, inner] = m as unknown as [string, string, string];
  let found: Promise<Buffer> | undefined;
  await readTar(tarball, (path, entry) => {
    if (found === undefined && (path === inner || path.endsWith('/' + inner))) found = collect(entry);
    else entry.resume();
  });
  if (found === undefined) throw new InputError(name, 'no such file or directory');
  return found;
}

/** Takes a file's data as it is read, synchronously. */
export interface ChunkConsumer {
  push(chunk: Buffer): void;
  end(): void;
}

/**
 * Streams bundle files, plain paths or `<tarball>!<path>` names (one read of a tarball for all of
 * its entries), chunk by chunk to the consumer `open` returns for each: memory stays at a chunk.
 */
export async function streamBundleFiles(names: readonly string[], open: (name: string) => ChunkConsumer): Promise<void> {
  const byTar = new Map<string, Map<string, string>>();
  for (const name of names) {
    const m = /^(.*\.(?:tar\.gz|tgz))!(.+)$/i.exec(name);
    if (!m) {
      const consumer = open(name);
      try {
        for await (const chunk of createReadStream(name, { highWaterMark: 1 << 16 })) consumer.push(chunk as Buffer);
      } catch (e) {
        throw (e as NodeJS.ErrnoException)?.code?.startsWith('E') ? fsError(name, e) : e;
      }
      consumer.end();
      continue;
    }
    let inner = byTar.get(m[1]!);
    if (!inner) byTar.set(m[1]!, (inner = new Map()));
    inner.set(m[2]!, name);
  }
  for (const [tarball, inner] of byTar) {
    await readTar(tarball, (path, entry) => {
      const name = inner.get(path) ?? [...inner.entries()].find(([p]) => path.endsWith('/' + p))?.[1];
      if (name === undefined) return void entry.resume();
      const consumer = open(name);
      entry.on('data', (c: Buffer) => consumer.push(c));
      entry.on('end', () => consumer.end());
    });
  }
}

const LARGE = Symbol('large file');

function looksLikeJson(b: Uint8Array): boolean {
  return /^(\uFEFF)?\s*[[{]/.test(Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 4096)).toString('utf8'));
}

/** Parses the pieces of one large YAML file in order, as if it were one text. */
class YamlPieceParser {
  readonly cutter = new DocumentCutter();
  private docs = 0;
  private pieces = 0;
  constructor(
    private readonly file: string,
    private readonly result: LoadResult,
  ) {
    result.files++;
  }

  /** false when the piece is not text (binary, not UTF-8): reported, and the rest of the file skipped */
  add(piece: Piece): boolean {
    const c = checkBytes(piece.bytes, this.file, { start: this.pieces++ === 0 });
    if ('issue' in c) {
      this.result.issues.push({ ...c.issue, line: c.issue.line + piece.line - 1 });
      return false;
    }
    const text = textOf(c);
    const parsed = parseYamlText(text, this.file, { lineOffset: piece.line - 1 });
    for (const d of parsed.documents) d.docIndex += this.docs;
    const last = parsed.documents.at(-1);
    if (last) this.docs = last.docIndex + 1;
    collectObjects(parsed, this.file, this.result);
    return true;
  }

  finish(): void {
    const rest = this.cutter.end();
    if (rest) this.add(rest);
  }
}

/** The files a load read objects or issues from. */
export function filesIn(load: LoadResult): Set<string> {
  const files = new Set<string>(load.issues.map((i) => i.file));
  for (const o of load.objects) {
    const f = sourceOf(o)?.file;
    if (f) files.add(f);
  }
  return files;
}
