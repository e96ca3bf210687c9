// What the YAML and JSON parsers hand to the loader: plain values plus packed positions,
// with no syntax tree kept.

import { own } from './compact.js';
import type { LoadIssue } from './types.js';
import { packPos } from './types.js';

/** Positions of one object: pathKey -> packed position, relative to the object's root. */
export interface PositionMap {
  /** packed position of the root node */
  pos: number;
  fields: ReadonlyMap<string, number>;
  /** pathKeys of literal block scalars (`|`), whose lines map one to one to the file */
  literalBlocks?: ReadonlySet<string>;
}

export interface ParsedDocument extends PositionMap {
  /** 0-based index of the document in its text */
  docIndex: number;
  value: unknown;
  /**
   * When the root is a mapping with an `items` sequence: the positions of each item,
   * relative to the item (so a List can expand into objects that each own their positions).
   * For other roots these positions are also in `fields`, under `items/<i>/...`.
   */
  items?: PositionMap[];
  /** ParseOptions.rawScalars: the source text of each plain (unquoted) scalar, by path key */
  rawScalars?: ReadonlyMap<string, string>;
  /** warnings that belong to this document (ambiguous values, duplicate keys), with the path they concern */
  warnings: Array<{ issue: LoadIssue; path: string; /** the List item it is in (path is then relative to it) */ item?: number }>;
}

export interface ParsedText {
  /** documents that parsed without a syntax error, in order (empty documents included, value null) */
  documents: ParsedDocument[];
  /** every issue of the text: syntax errors and all documents' warnings */
  issues: LoadIssue[];
}

/** Deeper than any Kubernetes object; keeps every later recursive walk safe. */
export const MAX_DEPTH = 1000;

/**
 * Interned path keys: pathKey(['spec','addresses',0]) built once per distinct path and shared
 * by every object, so 50,000 objects do not each hold their own copy of "metadata\u001fname".
 */
export class PathNode {
  private children: Map<string | number, PathNode> | undefined;
  constructor(public readonly key: string) {}
  child(k: string | number): PathNode {
    let c = this.children?.get(k);
    if (c === undefined) {
      if (pathNodes++ > MAX_INTERNED) resetPathRoot();
      // own copies: a key sliced from the source would keep the whole file's text alive
      const key = typeof k === 'string' ? own(k) : k;
      c = new PathNode(own(this.key === '' ? String(key) : this.key + '\u001f' + key));
      (this.children ??= new Map()).set(key, c);
    }
    return c;
  }
}
const MAX_INTERNED = 2_000_000;

/**
 * Field positions recorded per document (or List item) at most. Positions serve findings about
 * Kubernetes objects, and one that etcd stores (1.5 MiB at most) has fewer fields than this; a
 * data file of millions of values (a 5-million-element array) took gigabytes, and past 2^24
 * entries a Map cannot hold them at all (an internal error). Values past the limit are still read, without positions: a
 * finding there points at the nearest recorded place, the document's start at worst.
 */
export const MAX_POSITIONS = 1 << 18;

/** The path of a value whose position is not recorded (and of everything below it). */
class Untracked extends PathNode {
  override child(): PathNode {
    return this;
  }
}
export const UNTRACKED: PathNode = new Untracked('\u0000untracked');

/** path's child k, or UNTRACKED once `fields` holds MAX_POSITIONS positions. */
export function childPath(path: PathNode, k: string | number, fields: ReadonlyMap<string, number>): PathNode {
  return path === UNTRACKED || fields.size >= MAX_POSITIONS ? UNTRACKED : path.child(k);
}

/** Records a position, unless the path is UNTRACKED. */
export function record(fields: Map<string, number>, path: PathNode, pos: number): void {
  if (path !== UNTRACKED) fields.set(path.key, pos);
}
let pathNodes = 0;
let root = new PathNode('');
function resetPathRoot(): void {
  // Inputs with millions of distinct keys: start over rather than grow without bound.
  root = new PathNode('');
  pathNodes = 0;
}
export function pathRoot(): PathNode {
  return root;
}

/**
 * Offset -> packed line:column over an array of line start offsets. Lookups come mostly in
 * increasing order, so a moving cursor answers them in O(1) and falls back to binary search.
 */
export class LineIndex {
  private cur = 0;
  constructor(
    private readonly starts: readonly number[],
    private readonly lineOffset = 0,
    private readonly columnOffset = 0,
  ) {}
  line(offset: number): number {
    const s = this.starts;
    let i = this.cur;
    if (offset >= s[i]!) {
      let steps = 0;
      while (i + 1 < s.length && s[i + 1]! <= offset) {
        i++;
        if (++steps > 8) return (this.cur = this.search(offset));
      }
    } else {
      i = this.search(offset);
    }
    this.cur = i;
    return i;
  }
  private search(offset: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  pos(offset: number): number {
    const i = this.line(offset);
    return packPos(i + 1 + this.lineOffset, offset - this.starts[i]! + 1 + this.columnOffset);
  }
  lineCol(offset: number): { line: number; column: number } {
    const i = this.line(offset);
    return { line: i + 1 + this.lineOffset, column: offset - this.starts[i]! + 1 + this.columnOffset };
  }
}

/** Sets obj[key] = value, as an own property even for "__proto__". Returns true if the key was already set. */
export function setKey(obj: Record<string, unknown>, key: string, value: unknown): boolean {
  const dup = obj[key] !== undefined && Object.hasOwn(obj, key);
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
  return dup;
}
