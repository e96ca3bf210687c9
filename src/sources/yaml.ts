// YAML text -> plain values with positions, in one walk over the `yaml` package's AST.
//
// Values follow what Kubernetes reads (sigs.k8s.io/yaml on go-yaml v2, YAML 1.1-ish): the
// YAML 1.2 core schema, except that unquoted YAML 1.1 booleans (yes/no/on/off/y/n...) become
// booleans, as Kubernetes reads them, and are reported as `ambiguous-boolean`. `<<` merge keys
// are applied, as go-yaml does. Duplicate keys: the last value is kept (what a last-wins decoder
// sees) and `duplicate-key` is reported; kubectl itself rejects such a file.

import { compactPositions, intern, sharedKeySet } from './compact.js';
import { Composer, LineCounter, Parser, isScalar, isMap, isSeq, isAlias, Scalar } from 'yaml';
import type { Alias, Document, Node as YamlNode, YAMLMap, YAMLSeq } from 'yaml';
import type { LoadIssue, LoadIssueKind } from './types.js';
import { packPos } from './types.js';
import { childPath, LineIndex, MAX_DEPTH, PathNode, pathRoot, record, setKey, UNTRACKED } from './parsed.js';
import type { ParsedDocument, ParsedText, PositionMap } from './parsed.js';

export type { ParsedDocument, ParsedText, PositionMap } from './parsed.js';

export interface ParseOptions {
  /** added to every line: the embedded text's line 1 is file line lineOffset+1 */
  lineOffset?: number;
  /** added to every column (a literal block scalar's indentation) */
  columnOffset?: number;
  /** keep the source text of every plain (unquoted) scalar (ParsedDocument.rawScalars) */
  rawScalars?: boolean;
}

/** YAML 1.1 booleans that the YAML 1.2 core schema reads as strings. */
const YAML11_BOOL = new Map<string, boolean>([
  ['y', true], ['Y', true], ['yes', true], ['Yes', true], ['YES', true], ['on', true], ['On', true], ['ON', true],
  ['n', false], ['N', false], ['no', false], ['No', false], ['NO', false], ['off', false], ['Off', false], ['OFF', false],
]);

/**
 * Nodes expanded through aliases per document; beyond this an alias bomb is reported, not
 * expanded. (The yaml package's own maxAliasCount only guards its toJS(), which we do not use.)
 */
const MAX_ALIAS_NODES = 100_000;

class Abort extends Error {
  constructor(
    public readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

type Fields = Map<string, number>;

class Walker {
  readonly warnings: ParsedDocument['warnings'] = [];
  /** index of the top-level `items` entry being walked, if any */
  private item: number | undefined;
  private anchors = new Map<string, YamlNode>();
  private expanding = new Set<YamlNode>();
  private aliasDepth = 0;
  private aliasNodes = 0;
  literalBlocks: Set<string> | undefined;
  /** ParseOptions.rawScalars: path key -> the plain scalar's text */
  rawScalars: Map<string, string> | undefined;
  items: PositionMap[] | undefined;

  constructor(
    private readonly text: string,
    private readonly file: string,
    private readonly lines: LineIndex,
  ) {}

  private warn(kind: LoadIssueKind, offset: number, message: string, path: string): void {
    if (this.aliasDepth > 0) return; // already reported where the anchor is
    const { line, column } = this.lines.lineCol(offset);
    const w: ParsedDocument['warnings'][number] = { issue: { kind, file: this.file, line, column, message }, path };
    if (this.item !== undefined) w.item = this.item;
    this.warnings.push(w);
  }

  /** Position recorded for a value: block scalars at their first content line, empty values and block collections at their key. */
  private valuePos(v: YamlNode | null, keyOffset: number, path: PathNode, fields: Fields): void {
    let off = keyOffset;
    if (v !== null) {
      if (isScalar(v)) {
        const t = v.type;
        if (t === Scalar.BLOCK_LITERAL || t === Scalar.BLOCK_FOLDED) {
          if (path === UNTRACKED) return;
          fields.set(path.key, this.blockContentPos(v.range![0]));
          if (t === Scalar.BLOCK_LITERAL) (this.literalBlocks ??= new Set()).add(path.key);
          return;
        }
        if (v.range![0] < v.range![1]) off = v.range![0];
      } else if (isAlias(v) || (v as YAMLMap | YAMLSeq).flow) {
        off = v.range![0];
      } else if (keyOffset < 0) {
        off = v.range![0];
      }
    }
    if (off >= 0) record(fields, path, this.lines.pos(off));
  }

  /** The line after a block scalar's header, at the indentation of its first non-blank line. */
  private blockContentPos(header: number): number {
    const s = this.text;
    const nl = s.indexOf('\n', header);
    if (nl < 0) return this.lines.pos(header);
    const first = nl + 1;
    let i = first;
    for (;;) {
      let j = i;
      while (s.charCodeAt(j) === 32) j++;
      const c = s.charCodeAt(j);
      if (c === 10 || c === 13) {
        i = s.indexOf('\n', j) + 1;
        if (i === 0) break;
        continue;
      }
      if (j >= s.length) break;
      const { line, column } = this.lines.lineCol(first);
      return packPos(line, column + (j - i));
    }
    return this.lines.pos(first);
  }

  walk(node: YamlNode | null, path: PathNode, fields: Fields, depth: number): unknown {
    if (node === null) return null;
    if (depth > MAX_DEPTH) throw new Abort(node.range?.[0] ?? 0, `nesting deeper than ${MAX_DEPTH} levels`);
    if (node.anchor && this.aliasDepth === 0) this.anchors.set(node.anchor, node);
    if (this.aliasDepth > 0 && ++this.aliasNodes > MAX_ALIAS_NODES)
      throw new Abort(node.range?.[0] ?? 0, `aliases expand to more than ${MAX_ALIAS_NODES} nodes (alias bomb?)`);
    if (isScalar(node)) {
      const v = node.value;
      // Go's yaml decoders put a scalar's own text into a string field: kept for whoever decodes so
      if (this.rawScalars && node.type === Scalar.PLAIN && this.aliasDepth === 0 && path !== UNTRACKED) this.rawScalars.set(path.key, this.text.slice(node.range![0], node.range![1]));
      if (typeof v === 'string' && v.length <= 3 && node.type === Scalar.PLAIN) {
        const b = YAML11_BOOL.get(v);
        if (b !== undefined) {
          this.warn('ambiguous-boolean', node.range![0], `unquoted ${v} is read by Kubernetes as the boolean ${b} (YAML 1.1); quote it if the string "${v}" is meant, or write ${b}`, path.key);
          return b;
        }
      }
      return v === undefined ? null : typeof v === 'string' ? intern(v) : v;
    }
    if (isMap(node)) return this.walkMap(node, path, fields, depth);
    if (isSeq(node)) {
      const items = node.items as Array<YamlNode | null>;
      const out = new Array<unknown>(items.length);
      // The top-level `items` of a List: each item gets its own positions, relative to itself.
      const split = depth === 1 && path.key === 'items' && this.aliasDepth === 0;
      if (split) this.items = [];
      const r = pathRoot();
      for (let i = 0; i < items.length; i++) {
        const it = items[i] ?? null;
        const p = childPath(path, i, fields);
        this.valuePos(it, -1, p, fields);
        if (split) {
          const f = new Map<string, number>();
          const m: PositionMap = { pos: it?.range ? this.lines.pos(it.range[0]) : 0, fields: f };
          const saved = this.literalBlocks;
          this.literalBlocks = undefined;
          this.item = i;
          out[i] = this.walk(it, r, f, depth + 1);
          this.item = undefined;
          m.fields = compactPositions(f);
          if (this.literalBlocks) m.literalBlocks = sharedKeySet(this.literalBlocks);
          this.literalBlocks = saved;
          this.items!.push(m);
        } else {
          out[i] = this.walk(it, p, fields, depth + 1);
        }
      }
      return out;
    }
    if (isAlias(node)) return this.walkAlias(node, path, fields, depth);
    return null;
  }

  private walkAlias(node: Alias, path: PathNode, fields: Fields, depth: number): unknown {
    const target = this.anchors.get(node.source);
    if (target === undefined) throw new Abort(node.range?.[0] ?? 0, `unknown anchor ${node.source}`);
    if (this.expanding.has(target)) throw new Abort(node.range?.[0] ?? 0, `anchor ${node.source} contains itself`);
    this.expanding.add(target);
    this.aliasDepth++;
    try {
      return this.walk(target, path, fields, depth);
    } finally {
      this.aliasDepth--;
      this.expanding.delete(target);
    }
  }

  private keyOf(k: unknown, path: PathNode): string {
    if (k === null || k === undefined) return 'null';
    if (isScalar(k)) {
      const v = k.value;
      if (typeof v === 'string') {
        if (v.length <= 3 && k.type === Scalar.PLAIN) {
          const b = YAML11_BOOL.get(v);
          if (b !== undefined) {
            this.warn('ambiguous-boolean', k.range![0], `unquoted key ${v} is read by Kubernetes as the boolean ${b} (YAML 1.1), so the key becomes "${b}"; quote it`, path.key);
            return String(b);
          }
        }
        return v;
      }
      return v === null || v === undefined ? 'null' : String(v);
    }
    // An alias or a collection as a key: Kubernetes cannot read it; keep a readable string.
    const v = this.walk(k as YamlNode, pathRoot(), new Map(), MAX_DEPTH - 10);
    return typeof v === 'string' ? v : JSON.stringify(v) ?? 'null';
  }

  private walkMap(node: YAMLMap, path: PathNode, fields: Fields, depth: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    let merged: Record<string, unknown> | undefined;
    for (const pair of node.items) {
      const kn = pair.key as YamlNode | null;
      const vn = pair.value as YamlNode | null;
      if (isScalar(kn) && kn.type === Scalar.PLAIN && kn.value === '<<' && vn !== null && (isAlias(vn) || isSeq(vn) || isMap(vn))) {
        // go-yaml merge key: keys of the merged mappings, unless set explicitly in this one.
        merged ??= {};
        const srcs = isSeq(vn) ? (vn.items as Array<YamlNode | null>) : [vn];
        for (const s of srcs) {
          const m = this.walk(s, path, new Map(), depth + 1);
          if (m !== null && typeof m === 'object' && !Array.isArray(m)) {
            for (const k of Object.keys(m)) if (!Object.hasOwn(merged, k)) setKey(merged, k, (m as Record<string, unknown>)[k]);
          }
        }
        continue;
      }
      const key = this.keyOf(kn, path);
      const p = childPath(path, key, fields);
      const keyOffset = kn?.range ? kn.range[0] : -1;
      this.valuePos(vn, keyOffset, p, fields);
      const value = this.walk(vn, p, fields, depth + 1);
      if (setKey(obj, key, value)) {
        this.warn('duplicate-key', keyOffset >= 0 ? keyOffset : (vn?.range?.[0] ?? 0), `duplicate key ${JSON.stringify(key)}: the last value is kept here, but kubectl rejects the file ("mapping key already defined")`, p.key);
      }
    }
    if (merged) for (const k of Object.keys(merged)) if (!Object.hasOwn(obj, k)) setKey(obj, k, merged[k]);
    return obj;
  }
}

function firstLine(msg: string): string {
  const i = msg.indexOf('\n');
  return (i < 0 ? msg : msg.slice(0, i)).replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Parses every document of a YAML text. A document with a syntax error yields a `syntax`
 * issue and no value; the others yield their value, positions and warnings.
 */
export function parseYamlText(text: string, file: string, opts: ParseOptions = {}): ParsedText {
  const lc = new LineCounter();
  const issues: LoadIssue[] = [];
  const documents: ParsedDocument[] = [];
  const lineOffset = opts.lineOffset ?? 0;
  const columnOffset = opts.columnOffset ?? 0;
  const lines = new LineIndex(lc.lineStarts, lineOffset, columnOffset);
  // Documents are composed one at a time and dropped once walked: the syntax trees of a
  // 20 MB file never all live at once.
  const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
  const stream = composer.compose(new Parser(lc.addNewLine).parse(text)) as Iterable<Document.Parsed>;
  let d = -1;
  try {
    for (const doc of stream) {
      d++;
      walkDocument(doc, d, text, file, lines, documents, issues, opts.rawScalars === true);
    }
  } catch (e) {
    // The parser recurses per nesting level: deep enough input can overflow its stack.
    if (!(e instanceof RangeError)) throw e;
    issues.push({ kind: 'syntax', file, line: 1 + lineOffset, column: 1 + columnOffset, message: 'nesting too deep to parse' });
  }
  return { documents, issues };
}

function walkDocument(doc: Document.Parsed, d: number, text: string, file: string, lines: LineIndex, documents: ParsedDocument[], issues: LoadIssue[], rawScalars = false): void {
  if (doc.errors.length > 0) {
    // The first error only: the ones after it are mostly its consequences.
    const e = doc.errors[0]!;
    const { line, column } = lines.lineCol(Math.min(e.pos[0], text.length));
    const message = e.message.includes('Maximum call stack') ? 'nesting too deep to parse' : firstLine(e.message);
    issues.push({ kind: 'syntax', file, line, column, message });
    return;
  }
  const contents = doc.contents as YamlNode | null;
  const start = contents?.range ? contents.range[0] : doc.range[0];
  const w = new Walker(text, file, lines);
  if (rawScalars) w.rawScalars = new Map();
  const fields = new Map<string, number>();
  let value: unknown;
  try {
    value = w.walk(contents, pathRoot(), fields, 0);
  } catch (e) {
    if (e instanceof Abort || e instanceof RangeError) {
      const { line, column } = lines.lineCol(e instanceof Abort ? e.offset : start);
      issues.push({ kind: 'syntax', file, line, column, message: e instanceof Abort ? e.message : 'nesting too deep to parse' });
      return;
    }
    throw e;
  }
  const pd: ParsedDocument = { docIndex: d, value, pos: lines.pos(start), fields: compactPositions(fields), warnings: w.warnings };
  if (w.literalBlocks) pd.literalBlocks = sharedKeySet(w.literalBlocks);
  if (w.rawScalars) pd.rawScalars = w.rawScalars;
  if (w.items) pd.items = w.items;
  documents.push(pd);
  for (const x of w.warnings) issues.push(x.issue);
}

/**
 * Parses YAML embedded in a literal block scalar (the legacy ConfigMap's `data.config`), with
 * positions in the enclosing file: `at` is the block's recorded field position (its first
 * content line and indentation, see ObjectSource.fields).
 */
export function parseEmbeddedYaml(text: string, file: string, at: { line: number; column: number }, opts: Pick<ParseOptions, 'rawScalars'> = {}): ParsedText {
  return parseYamlText(text, file, { ...opts, lineOffset: at.line - 1, columnOffset: at.column - 1 });
}
