// Memory: a 20 MB manifest set has a million field positions and as many scalar strings.
// Objects of one kind mostly have the same fields in the same order, so their position tables
// share one key list ("shape") and keep only an array of numbers each; short strings that repeat
// (kinds, namespaces, label values) are kept once.

interface Shape {
  keys: string[];
  index: Map<string, number>;
}

const MAX_SHAPES = 20_000;
/** Shapes with more keys are not kept for sharing: no two such tables are alike, and each kept one would hold megabytes. */
const MAX_SHARED_KEYS = 4096;
const shapes = new Map<string, Shape>();

// Positions live in shared Float64Array slabs: 8 bytes a field and no per-object array
// (line*2^20+column is past the small-integer range, so a plain array would box each one).
const SLAB = 1 << 16;
let slab = new Float64Array(SLAB);
let slabUsed = 0;

function reserve(n: number): { slab: Float64Array; offset: number } {
  if (n > SLAB / 4) return { slab: new Float64Array(n), offset: 0 };
  if (slabUsed + n > SLAB) {
    slab = new Float64Array(SLAB);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += n;
  return { slab, offset };
}

/** A read-only position table: a shared shape plus this object's packed positions. */
class ShapedPositions implements ReadonlyMap<string, number> {
  constructor(
    private readonly shape: Shape,
    private readonly slab: Float64Array,
    private readonly offset: number,
  ) {}
  get size(): number {
    return this.shape.keys.length;
  }
  get(key: string): number | undefined {
    const i = this.shape.index.get(key);
    return i === undefined ? undefined : this.slab[this.offset + i];
  }
  has(key: string): boolean {
    return this.shape.index.has(key);
  }
  *entries(): MapIterator<[string, number]> {
    for (let i = 0; i < this.size; i++) yield [this.shape.keys[i]!, this.slab[this.offset + i]!];
  }
  keys(): MapIterator<string> {
    return this.shape.keys[Symbol.iterator]();
  }
  *values(): MapIterator<number> {
    for (let i = 0; i < this.size; i++) yield this.slab[this.offset + i]!;
  }
  forEach(cb: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (let i = 0; i < this.size; i++) cb(this.slab[this.offset + i]!, this.shape.keys[i]!, this);
  }
  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
}

export function compactPositions(fields: ReadonlyMap<string, number>): ReadonlyMap<string, number> {
  const keys = [...fields.keys()];
  const signature = keys.length <= MAX_SHARED_KEYS ? keys.join('\u001e') : undefined;
  let shape = signature === undefined ? undefined : shapes.get(signature);
  if (!shape) {
    shape = { keys, index: new Map(keys.map((k, i) => [k, i])) };
    if (signature !== undefined && shapes.size < MAX_SHAPES) shapes.set(signature, shape);
  }
  const { slab: into, offset } = reserve(keys.length);
  let i = offset;
  for (const p of fields.values()) into[i++] = p;
  return new ShapedPositions(shape, into, offset);
}

const keySets = new Map<string, ReadonlySet<string>>();

/**
 * One shared, read-only set per distinct content: the literal blocks (`|`) of objects of one kind
 * are mostly the same keys (10,000 ConfigMaps would otherwise hold 10,000 sets of one key, 1.4 MB).
 */
export function sharedKeySet(set: ReadonlySet<string>): ReadonlySet<string> {
  const signature = [...set].join('\u001e');
  const hit = keySets.get(signature);
  if (hit) return hit;
  if (keySets.size < MAX_SHAPES) keySets.set(signature, set);
  return set;
}

/**
 * Interned strings are a window over the values read last, started over when full: values
 * repeat near one another (kinds, namespaces, keys, protocols), and a table of every distinct
 * value (160,000 in a 20 MB manifest set, mostly names seen once) took 7 MB, and as much again
 * while it grew, for 0.3 MB fewer copies than this window makes.
 */
const MAX_INTERNED = 4096;
const MAX_INTERNED_LENGTH = 48;
const strings = new Map<string, string>();

/**
 * A string that does not keep its file's whole text alive. V8 makes substrings of 13 or more
 * characters "sliced strings" that point into the parent: a few kept values would pin a 20 MB
 * source. The copy goes through UTF-16 code units (exact for any string, lone surrogates too) and
 * comes back one flat string: slicing a concatenation, as this did before, copies too but keeps a
 * sliced string in front of the copy (32 bytes more for each of a large input's 90,000 values).
 */
export function own(s: string): string {
  return s.length < 13 ? s : Buffer.from(s, 'utf16le').toString('utf16le');
}

/** Forgets the stored copies: a loaded input's values keep theirs. */
export function releaseInterned(): void {
  strings.clear();
}

/** The one stored copy of a short string; a copy of its own for a long one. */
export function intern(s: string): string {
  if (s.length > MAX_INTERNED_LENGTH) return own(s);
  const hit = strings.get(s);
  if (hit !== undefined) return hit;
  const copy = own(s);
  if (strings.size >= MAX_INTERNED) strings.clear();
  strings.set(copy, copy);
  return copy;
}

/**
 * The list copied at its length. An array grown by push (or made by filter) reserves 17 slots for
 * its first element: 136 bytes of nothing, which lists kept for a whole run, one or two per object
 * of a large input, would each hold (4 MB over 15,000 Services).
 */
export function trimmed<T>(list: T[]): T[] {
  return list.slice();
}
