// A large YAML file is parsed a few tens of KB at a time, cut at document markers, while it is
// read: its text never exists as one string or one buffer, and each piece's syntax trees die
// young, so memory stays flat whatever the file's size. Cutting there is exact: a `---` at the
// start of a line always begins a document (YAML 1.2, c-forbidden). Directives (`%YAML`) belong
// to the document after them; a file that has any is not cut from there on.

export interface Piece {
  bytes: Buffer;
  /** 1-based line of the piece's first byte in the file */
  line: number;
}

/** Pieces are at least this long (except the last), and end right before a `---` line. */
export const PIECE_SIZE = 64 << 10;

export class DocumentCutter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** where the search for a marker resumes in the pending bytes */
  private searchFrom = 0;
  private line = 1;
  private cutting = true;
  private first = true;

  push(chunk: Uint8Array): Piece[] {
    let b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.first) {
      this.first = false;
      if (b[0] === 0x25) this.cutting = false;
    }
    if (b.length === 0) return [];
    this.pending.push(b);
    this.pendingLength += b.length;
    if (!this.cutting || this.pendingLength < PIECE_SIZE + 5) return [];
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLength);
    this.pending = [all];
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
    if (start > 0) {
      const rest = all.subarray(start);
      this.pending = rest.length ? [rest] : [];
      this.pendingLength = rest.length;
      this.searchFrom = Math.max(0, this.searchFrom - start);
    }
    return out;
  }

  end(): Piece | undefined {
    if (this.pendingLength === 0) return undefined;
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLength);
    this.pending = [];
    this.pendingLength = 0;
    return { bytes: all, line: this.line };
  }
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}
