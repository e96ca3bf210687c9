// A large YAML file is parsed some 16 KB at a time, cut at document markers, while it is
// read: its text never exists as one string or one buffer, and each piece's syntax trees die
// young, so memory stays flat whatever the file's size. Cutting there is exact: a `---` at the
// start of a line always begins a document (YAML 1.2, c-forbidden). Directives (`%YAML`) belong
// to the document after them; a file that has any is not cut from there on.

export interface Piece {
  bytes: Buffer;
  /** 1-based line of the piece's first byte in the file */
  line: number;
}

/**
 * Pieces are at least this long (except the last), and end right before a `---` line. Small
 * enough that what lives as long as a piece (its text, its line table, its documents before they
 * become objects) dies young: parsing 64 KB allocates enough for two scavenges, which moved every
 * piece's text to the old generation (as much garbage there as the file is long).
 */
export const PIECE_SIZE = 16 << 10;

export class DocumentCutter {
  /**
   * The pending bytes, buf[consumed, length): one buffer kept and reused for the whole file, grown
   * when a document is longer than it. Pieces are views of it, so a piece is valid until the next
   * push() or end(). (A buffer per chunk lived as long as its piece was parsed, long enough for the
   * garbage collector to move it to the old generation: 10 MB of dead buffers held at a time.)
   */
  private buf = Buffer.allocUnsafe(2 * PIECE_SIZE);
  private length = 0;
  /** the bytes before this offset were handed out as pieces by the last push */
  private consumed = 0;
  /** where the search for a marker resumes, from `consumed` */
  private searchFrom = 0;
  private line = 1;
  private cutting = true;
  private first = true;

  /** Appends a chunk (copied: the caller may reuse it) and returns the pieces now complete. */
  push(chunk: Uint8Array): Piece[] {
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk[0] === 0x25) this.cutting = false;
    }
    if (chunk.length === 0) return [];
    this.append(chunk);
    const pending = this.length - this.consumed;
    if (!this.cutting || pending < PIECE_SIZE + 5) return [];
    const all = this.buf.subarray(this.consumed, this.length);
    if (all.includes('\n%', this.searchFrom)) {
      this.cutting = false;
      return [];
    }
    const out: Piece[] = [];
    let start = 0;
    let from = Math.max(this.searchFrom, PIECE_SIZE - 1);
    for (;;) {
      const nl = all.indexOf('\n---', from);
      // need the byte after the marker to know it is one (`---` then blank, or `---x`)
      if (nl < 0 || nl + 4 >= all.length) {
        this.searchFrom = Math.max(start, all.length - 4);
        break;
      }
      const after = all[nl + 4];
      if (after === 32 || after === 9 || after === 10 || after === 13) {
        const piece = all.subarray(start, nl + 1);
        out.push({ bytes: piece, line: this.line });
        this.line += countNewlines(piece);
        start = nl + 1;
        from = start + PIECE_SIZE - 1;
        if (from >= all.length) {
          this.searchFrom = all.length;
          break;
        }
      } else {
        from = nl + 1;
      }
    }
    // the pieces stay readable until the next call, which moves the rest to the buffer's start
    this.consumed += start;
    this.searchFrom = Math.max(0, this.searchFrom - start);
    return out;
  }

  end(): Piece | undefined {
    const pending = this.length - this.consumed;
    if (pending === 0) return undefined;
    const bytes = this.buf.subarray(this.consumed, this.length);
    this.consumed = this.length;
    return { bytes, line: this.line };
  }

  /** Drops the bytes handed out, then copies the chunk after the pending ones (growing the buffer if need be). */
  private append(chunk: Uint8Array): void {
    const pending = this.length - this.consumed;
    if (this.consumed > 0) {
      this.buf.copyWithin(0, this.consumed, this.length);
      this.consumed = 0;
      this.length = pending;
    }
    const need = pending + chunk.length;
    if (need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, 2 * this.buf.length));
      this.buf.copy(grown, 0, 0, pending);
      this.buf = grown;
    }
    this.buf.set(chunk, pending);
    this.length = need;
  }
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}
