// JSON text -> plain values with positions, in a single hand-written pass (no syntax tree).
// Accepts a stream of JSON values (`{...}{...}` or one per line), like kubectl does.
// Duplicate keys: the last value is kept, as encoding/json does, and `duplicate-key` is reported.

import { compactPositions, intern } from './compact.js';
import type { LoadIssue } from './types.js';
import { unpackPos } from './types.js';
import { childPath, LineIndex, MAX_DEPTH, PathNode, pathRoot, record, setKey } from './parsed.js';
import type { ParsedDocument, ParsedText, PositionMap } from './parsed.js';

class JsonError extends Error {
  constructor(
    public readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

class JsonParser {
  i = 0;
  private readonly lines: LineIndex;
  warnings: ParsedDocument['warnings'] = [];
  items: PositionMap[] | undefined;
  item: number | undefined;

  constructor(
    private readonly s: string,
    private readonly file: string,
    /** false: positions only, no values built (every value reads as undefined) */
    private readonly build = true,
    lineOffset = 0,
  ) {
    const starts = [0];
    for (let n = s.indexOf('\n'); n >= 0; n = s.indexOf('\n', n + 1)) starts.push(n + 1);
    this.lines = new LineIndex(starts, lineOffset);
  }

  ws(): void {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  pos(): number {
    return this.lines.pos(this.i);
  }

  lineCol(offset: number): { line: number; column: number } {
    return this.lines.lineCol(offset);
  }

  private fail(msg: string): never {
    throw new JsonError(this.i, this.i >= this.s.length ? 'unexpected end of JSON input' : msg);
  }

  value(path: PathNode, fields: Map<string, number>, depth: number): unknown {
    const s = this.s;
    const c = s.charCodeAt(this.i);
    if (c === 34) return this.build ? intern(this.string()) : void this.string();
    if (c === 123) {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      this.i++;
      const obj: Record<string, unknown> | undefined = this.build ? {} : undefined;
      this.ws();
      if (s.charCodeAt(this.i) === 125) {
        this.i++;
        return obj;
      }
      for (;;) {
        if (s.charCodeAt(this.i) !== 34) this.fail('expected a string key');
        const keyPos = this.pos();
        const key = this.string();
        this.ws();
        if (s.charCodeAt(this.i) !== 58) this.fail("expected ':' after a key");
        this.i++;
        this.ws();
        const p = childPath(path, key, fields);
        record(fields, p, this.pos());
        const v = this.value(p, fields, depth + 1);
        if (obj && setKey(obj, key, v)) {
          const { line, column } = unpackPos(keyPos);
          const w: ParsedDocument['warnings'][number] = {
            issue: { kind: 'duplicate-key', file: this.file, line, column, message: `duplicate key ${JSON.stringify(key)}: the last value is kept, as Kubernetes' JSON decoder does; strict field validation rejects it` },
            path: p.key,
          };
          if (this.item !== undefined) w.item = this.item;
          this.warnings.push(w);
        }
        this.ws();
        const d = s.charCodeAt(this.i);
        if (d === 44) {
          this.i++;
          this.ws();
          continue;
        }
        if (d === 125) {
          this.i++;
          return obj;
        }
        this.fail("expected ',' or '}'");
      }
    }
    if (c === 91) {
      if (depth >= MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
      this.i++;
      const arr: unknown[] | undefined = this.build ? [] : undefined;
      this.ws();
      if (s.charCodeAt(this.i) === 93) {
        this.i++;
        return arr;
      }
      // The top-level `items` of a List: each item gets its own positions, relative to itself.
      const split = depth === 1 && path.key === 'items';
      if (split) this.items = [];
      const r = pathRoot();
      for (let n = 0; ; n++) {
        const p = childPath(path, n, fields);
        const at = this.pos();
        record(fields, p, at);
        if (split) {
          const f = new Map<string, number>();
          this.item = n;
          const v = this.value(r, f, depth + 1);
          arr?.push(v);
          this.item = undefined;
          this.items!.push({ pos: at, fields: compactPositions(f) });
        } else {
          const v = this.value(p, fields, depth + 1);
          arr?.push(v);
        }
        this.ws();
        const d = s.charCodeAt(this.i);
        if (d === 44) {
          this.i++;
          this.ws();
          continue;
        }
        if (d === 93) {
          this.i++;
          return arr;
        }
        this.fail("expected ',' or ']'");
      }
    }
    if (c === 116 && s.startsWith('true', this.i)) {
      this.i += 4;
      return true;
    }
    if (c === 102 && s.startsWith('false', this.i)) {
      this.i += 5;
      return false;
    }
    if (c === 110 && s.startsWith('null', this.i)) {
      this.i += 4;
      return null;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      NUMBER.lastIndex = this.i;
      const m = NUMBER.exec(s);
      if (m === null) this.fail('invalid number');
      this.i += m[0].length;
      return Number(m[0]);
    }
    return this.fail('unexpected character');
  }

  /** Next backslash at or after the cursor, cached: most texts have none or few. */
  private nextBackslash = -2;

  private string(): string {
    const s = this.s;
    const start = ++this.i;
    let end = s.indexOf('"', start);
    if (end < 0) {
      this.i = s.length;
      this.fail('unterminated string');
    }
    if (this.nextBackslash < start && this.nextBackslash !== -1) this.nextBackslash = s.indexOf('\\', start);
    if (this.nextBackslash === -1 || this.nextBackslash > end) {
      const v = s.slice(start, end);
      if (CONTROL.test(v)) this.badControl(start);
      this.i = end + 1;
      return v;
    }
    // Escapes: find the closing quote that is not escaped, let JSON.parse decode.
    let i = start;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) i += 2;
      else if (Number.isNaN(c)) {
        this.i = s.length;
        this.fail('unterminated string');
      } else i++;
    }
    end = i;
    const raw = s.slice(start - 1, end + 1);
    if (CONTROL.test(raw)) this.badControl(start);
    this.i = end + 1;
    try {
      return JSON.parse(raw) as string;
    } catch {
      this.i = start - 1;
      return this.fail('invalid escape in string');
    }
  }

  private badControl(start: number): never {
    let i = start;
    while (s_isPrintable(this.s.charCodeAt(i))) i++;
    this.i = i;
    return this.fail('control character (or line break) in string');
  }
}

const CONTROL = /[\u0000-\u001f]/;
function s_isPrintable(c: number): boolean {
  return c >= 32;
}

/**
 * The positions of one JSON value alone, its lines counted from `lineOffset` + 1, without
 * building the value (a List item found again when a finding points into it); undefined when
 * the text is not one valid JSON value.
 */
export function parseJsonPositions(text: string, file: string, lineOffset = 0): PositionMap | undefined {
  const p = new JsonParser(text, file, false, lineOffset);
  p.ws();
  const fields = new Map<string, number>();
  const pos = p.pos();
  try {
    p.value(pathRoot(), fields, 0);
  } catch (e) {
    if (e instanceof JsonError) return undefined;
    throw e;
  }
  p.ws();
  return p.i === text.length ? { pos, fields } : undefined;
}

/** Parses a JSON text (one value or a stream of values) with positions. */
export function parseJsonText(text: string, file: string): ParsedText {
  const p = new JsonParser(text, file);
  const documents: ParsedDocument[] = [];
  const issues: LoadIssue[] = [];
  p.ws();
  try {
    for (let d = 0; p.i < text.length; d++) {
      const fields = new Map<string, number>();
      const pos = p.pos();
      p.items = undefined;
      p.warnings = [];
      const value = p.value(pathRoot(), fields, 0);
      const doc: ParsedDocument = { docIndex: d, value, pos, fields: compactPositions(fields), warnings: p.warnings };
      if (p.items) doc.items = p.items;
      documents.push(doc);
      for (const w of p.warnings) issues.push(w.issue);
      p.ws();
    }
  } catch (e) {
    if (!(e instanceof JsonError)) throw e;
    const { line, column } = p.lineCol(e.offset);
    issues.push({ kind: 'syntax', file, line, column, message: `invalid JSON: ${e.message}` });
  }
  return { documents, issues };
}
