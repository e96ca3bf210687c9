// Large JSON files of a bundle directory (what `snapshot` writes: machine-made, one List per kind)
// are read with JSON.parse, several times faster than the positioned parser, and their positions
// are found only when something asks for one. Then one pass over the file's bytes (no values
// built) records where each List item starts, and only the items asked about are read again and
// parsed with positions. A healthy snapshot never pays for positions; a report with findings pays
// one scan per file and a small parse per object it points at.
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { parseJsonPositions, parseJsonText } from './json.js';
import type { ParsedText, PositionMap } from './parsed.js';
import { packPos } from './types.js';

/** Files at least this large take the lazy path (smaller ones cost little either way). */
export const LAZY_JSON_FROM = 1 << 20;

const LINE = 2 ** 20; // packPos: line * 2^20 + column

/** Where each item of the top-level `items` array is: the byte offset of its line's start, that line, and its end. */
interface ItemIndex {
  lineStart: Float64Array;
  start: Float64Array;
  line: Float64Array;
  end: Float64Array;
}

/** The offset of the quote that closes the JSON string opening at `open` (the length when none does). */
function stringEnd(buf: Uint8Array, open: number): number {
  let i = open + 1;
  for (; i < buf.length; i++) {
    const d = buf[i]!;
    if (d === 0x22) break;
    if (d === 0x5c) i++;
  }
  return i;
}

/** The bytes that matter inside a List item: quote, braces, brackets, newline. */
const INSIDE = new Uint8Array(256);
for (const c of '"{}[]\n') INSIDE[c.charCodeAt(0)] = 1;

/**
 * Scans JSON bytes for the items of the root object's `items` array. Structural characters are
 * ASCII and never occur inside a multi-byte UTF-8 sequence, so bytes are safe to scan.
 */
export function indexListItems(buf: Uint8Array): ItemIndex | undefined {
  const starts: number[] = [];
  const itemStarts: number[] = [];
  const lines: number[] = [];
  const ends: number[] = [];
  let depth = 0;
  let line = 1;
  let lineStart = 0;
  let inItems = false; // inside the root's "items" array (depth 2)
  let expectItems = false; // the last root key was "items"
  let keyStart = -1;
  let itemOpen = false;
  let lastNonWs = -1;
  const n = buf.length;
  for (let i = 0; i < n; i++) {
    let c = buf[i]!;
    if (depth >= 3) {
      // inside an item, where most bytes are: only strings, nesting and lines matter, so the
      // bytes between them are skipped by a table lookup each
      while (INSIDE[c] === 0 && ++i < n) c = buf[i]!;
      if (i >= n) break;
      if (c === 0x0a) {
        line++;
        lineStart = i + 1;
      } else if (c === 0x22) {
        i = stringEnd(buf, i);
        lastNonWs = i;
      } else {
        if (c === 0x7b || c === 0x5b) depth++;
        else {
          if (inItems && depth === 3 && itemOpen) {
            ends.push(i + 1);
            itemOpen = false;
          }
          depth--;
        }
        lastNonWs = i;
      }
      continue;
    }
    if (c === 0x0a) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0d) continue;
    if (inItems && depth === 2 && !itemOpen && c !== 0x5d && c !== 0x2c) {
      starts.push(lineStart);
      itemStarts.push(i);
      lines.push(line);
      itemOpen = true;
    }
    if (c === 0x22) {
      // a string: skip to its closing quote (a string never spans lines in JSON)
      const s = i;
      i = stringEnd(buf, i);
      if (depth === 1 && !inItems) keyStart = s;
      lastNonWs = i;
      continue;
    }
    if (c === 0x3a && depth === 1 && keyStart >= 0) {
      // "items": the key just read
      expectItems = lastNonWs - keyStart === 6 && Buffer.from(buf.subarray(keyStart + 1, lastNonWs)).toString('latin1') === 'items';
      keyStart = -1;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth === 2 && c === 0x5b && expectItems) inItems = true;
      expectItems = false;
    } else if (c === 0x7d || c === 0x5d) {
      if (inItems && depth === 3 && itemOpen) {
        ends.push(i + 1);
        itemOpen = false;
      }
      depth--;
      if (depth === 1 && inItems) inItems = false;
    } else if (c === 0x2c && inItems && depth === 2 && itemOpen) {
      // a scalar item ends at the comma
      ends.push(lastNonWs + 1);
      itemOpen = false;
    }
    if (c !== 0x2c) lastNonWs = i;
  }
  if (starts.length !== ends.length) return undefined;
  return { lineStart: Float64Array.from(starts), start: Float64Array.from(itemStarts), line: Float64Array.from(lines), end: Float64Array.from(ends) };
}

/**
 * The item index of a List as pretty-printers lay it out (`kubectl get -o json`, JSON.stringify
 * with an indent, and our bundles' one item per line): every item opens with `{` at the start of
 * a line, after the same indentation, which nothing else in the file has. Then a native search
 * from newline to newline finds the items, faster than looking at every byte.
 * Undefined when the layout is not that, or the count differs from the items JSON.parse read:
 * the caller takes the byte scan.
 */
export function indexPrettyListItems(buf: Buffer, count: number): ItemIndex | undefined {
  if (count === 0) return undefined;
  // the first item: `"items"`, a colon, `[`, then `{` alone on its line after blanks
  const key = buf.indexOf('"items"');
  if (key < 0) return undefined;
  let i = key + 7;
  const blank = (c: number | undefined) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
  while (blank(buf[i])) i++;
  if (buf[i] !== 0x3a) return undefined;
  i++;
  while (blank(buf[i])) i++;
  if (buf[i] !== 0x5b) return undefined;
  i++;
  while (blank(buf[i])) i++;
  if (buf[i] !== 0x7b) return undefined;
  const nl = buf.lastIndexOf(0x0a, i);
  if (nl < key) return undefined;
  for (let j = nl + 1; j < i; j++) if (buf[j] !== 0x20 && buf[j] !== 0x09) return undefined;
  const indent = i - nl - 1;
  const lineStart = new Float64Array(count);
  const start = new Float64Array(count);
  const line = new Float64Array(count);
  // one native search per newline: the line after it is an item's when it holds the same
  // indentation and then `{` (more blanks, fewer, or anything else is not)
  let lines = 1;
  for (let at = buf.indexOf(0x0a); at >= 0 && at < nl; at = buf.indexOf(0x0a, at + 1)) lines++;
  let n = 0;
  for (let at = nl; at >= 0; at = buf.indexOf(0x0a, at + 1)) {
    lines++;
    const ls = at + 1;
    if (buf[ls + indent] !== 0x7b) continue;
    let same = true;
    for (let j = 0; j < indent && same; j++) same = buf[ls + j] === buf[nl + 1 + j];
    if (!same) continue;
    if (n === count) return undefined;
    lineStart[n] = ls;
    start[n] = ls + indent;
    line[n] = lines;
    n++;
  }
  if (n !== count) return undefined;
  // each item ends before the comma that the next one's line follows; the last one, where its
  // braces close (a scan of that item alone)
  const end = new Float64Array(count);
  for (let k = 0; k < count - 1; k++) {
    let e = lineStart[k + 1]! - 1;
    while (e > start[k]! && blank(buf[e - 1])) e--;
    if (buf[e - 1] !== 0x2c) return undefined;
    e--;
    while (e > start[k]! && blank(buf[e - 1])) e--;
    if (buf[e - 1] !== 0x7d) return undefined;
    end[k] = e;
  }
  const last = closeOf(buf, start[count - 1]!);
  if (last < 0) return undefined;
  end[count - 1] = last;
  return { lineStart, start, line, end };
}

/** The offset just past the object that opens at `open`; -1 when it does not close. */
function closeOf(buf: Uint8Array, open: number): number {
  let depth = 0;
  for (let i = open; i < buf.length; i++) {
    const c = buf[i]!;
    if (c === 0x22) i = stringEnd(buf, i);
    else if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** The positions of one file, found on first use. */
export class LazyFilePositions {
  private index: ItemIndex | null | undefined;
  private whole: ParsedText | undefined;
  constructor(
    private readonly file: string,
    /** the file's text again, for a document that is not a List (undefined when it cannot be read) */
    private readonly read: () => string | undefined,
    /** how many items the root's `items` array has (JSON.parse read them), when it is a List */
    private readonly itemCount?: number,
  ) {}

  /** The position map of a document (and List item); the file's start when the file changed meanwhile. */
  positions(docIndex: number, listIndex: number | undefined): PositionMap {
    if (listIndex !== undefined) {
      const pm = this.item(listIndex);
      if (pm) return pm;
    }
    if (!this.whole) {
      const text = this.read();
      this.whole = text === undefined ? { documents: [], issues: [] } : parseJsonText(text, this.file);
      for (const d of this.whole.documents) d.value = null; // only the positions are wanted
    }
    const doc = this.whole.documents.find((d) => d.docIndex === docIndex);
    const pm = listIndex !== undefined ? doc?.items?.[listIndex] : doc;
    return pm ?? { pos: packPos(1, 1), fields: new Map() };
  }

  private fd: number | undefined;
  /**
   * The file, open for the findings being placed now: a report places them in one synchronous
   * burst (10,000 items of one file, for a stopped controller), so the file is opened once for
   * the burst and closed right after it.
   */
  private open(): number {
    if (this.fd === undefined) {
      this.fd = openSync(this.file, 'r');
      setImmediate(() => {
        if (this.fd !== undefined) closeSync(this.fd);
        this.fd = undefined;
      }).unref();
    }
    return this.fd;
  }

  /** One List item: its bytes read again and parsed alone, positions moved to its place in the file. */
  private item(i: number): PositionMap | undefined {
    if (this.index === undefined) {
      try {
        const buf = readFileSync(this.file);
        this.index = (this.itemCount !== undefined ? indexPrettyListItems(buf, this.itemCount) : undefined) ?? indexListItems(buf) ?? null;
      } catch {
        this.index = null;
      }
    }
    const ix = this.index;
    if (!ix || i >= ix.end.length) return undefined;
    // from the item's line start when only indentation precedes it on its line (columns exact);
    // else from the item itself, its first line's columns moved by the ASCII bytes before it
    const lineStart = ix.lineStart[i]!;
    const start = ix.start[i]!;
    const len = ix.end[i]! - lineStart;
    const buf = Buffer.alloc(len);
    try {
      if (readSync(this.open(), buf, 0, len, lineStart) !== len) return undefined;
    } catch {
      return undefined;
    }
    const prefix = buf.subarray(0, start - lineStart);
    const blank = prefix.every((b) => b === 0x20 || b === 0x09);
    if (!blank && prefix.some((b) => b >= 0x80)) return undefined;
    // positions only (the value is JSON.parse's), its lines counted from the item's first
    const lineShift = ix.line[i]! - 1;
    const doc = parseJsonPositions(buf.subarray(blank ? 0 : start - lineStart).toString('utf8'), this.file, lineShift);
    if (!doc || blank) return doc;
    // the item's first line starts after other text: its columns move by that text's length
    const colShift = start - lineStart;
    const secondLine = (lineShift + 2) * LINE;
    const move = (p: number) => (p < secondLine ? p + colShift : p);
    const fields = new Map<string, number>();
    for (const [k, p] of doc.fields) fields.set(k, move(p));
    return { pos: move(doc.pos), fields };
  }
}

/**
 * JSON.parse of a whole file as the positioned parser's result shape, with positions deferred.
 * Undefined when JSON.parse refuses the text (or nests too deep): the caller takes the positioned
 * parser, which says where the syntax error is.
 */
export function parseJsonLazily(text: string, file: string, read: () => string | undefined): { parsed: ParsedText; lazy: LazyFilePositions } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const items = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { items?: unknown }).items : undefined;
  const lazy = new LazyFilePositions(file, read, Array.isArray(items) ? items.length : undefined);
  return { parsed: { documents: [{ docIndex: 0, value, pos: packPos(1, 1), fields: new Map(), warnings: [] }], issues: [] }, lazy };
}
