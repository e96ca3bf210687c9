// Large JSON files of a bundle directory (what `snapshot` writes: machine-made, one List per kind)
// are read with JSON.parse, several times faster than the positioned parser, and their positions
// are found only when something asks for one: then the file is read again from disk and parsed
// with positions, once, and every object of the file gets its exact file:line:column. A healthy
// snapshot never pays for positions; a report with findings pays once per file it points into.
import { parseJsonText } from './json.js';
import type { ParsedText, PositionMap } from './parsed.js';
import { packPos } from './types.js';

/** Files at least this large take the lazy path (smaller ones cost little either way). */
export const LAZY_JSON_FROM = 1 << 20;

/** The positions of one file, parsed on first use. */
export class LazyFilePositions {
  private parsed: ParsedText | undefined;
  /** `read` gives the file's text again (undefined when it cannot be read any more) */
  constructor(
    private readonly file: string,
    private readonly read: () => string | undefined,
  ) {}

  /** The position map of a document (and List item): exact once resolved; the file start if the file changed meanwhile. */
  positions(docIndex: number, listIndex: number | undefined): PositionMap {
    if (!this.parsed) {
      const text = this.read();
      this.parsed = text === undefined ? { documents: [], issues: [] } : parseJsonText(text, this.file);
    }
    const doc = this.parsed.documents.find((d) => d.docIndex === docIndex);
    const pm = listIndex !== undefined ? doc?.items?.[listIndex] : doc;
    return pm ?? { pos: packPos(1, 1), fields: new Map() };
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
  const lazy = new LazyFilePositions(file, read);
  return { parsed: { documents: [{ docIndex: 0, value, pos: packPos(1, 1), fields: new Map(), warnings: [] }], issues: [] }, lazy };
}
