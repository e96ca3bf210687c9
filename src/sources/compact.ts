// Memory: a 20 MB manifest set has a million field positions and as many scalar strings.
// Objects of one kind mostly have the same fields in the same order, so their position tables
// share one key list ("shape") and keep only an array of numbers each; short strings that repeat
// (kinds, namespaces, label values) are kept once.

interface Shape {
  keys: string[];
  index: Map<string, number>;
}

const MAX_SHAPES = 20_000;
const shapes = new Map<string, Shape>();

/** A read-only position table: a shared shape plus this object's packed positions. */
class ShapedPositions implements ReadonlyMap<string, number> {
  constructor(
    private readonly shape: Shape,
    private readonly pos: number[],
  ) {}
  get size(): number {
    return this.pos.length;
  }
  get(key: string): number | undefined {
    const i = this.shape.index.get(key);
    return i === undefined ? undefined : this.pos[i];
  }
  has(key: string): boolean {
    return this.shape.index.has(key);
  }
  *entries(): MapIterator<[string, number]> {
    for (let i = 0; i < this.pos.length; i++) yield [this.shape.keys[i]!, this.pos[i]!];
  }
  keys(): MapIterator<string> {
    return this.shape.keys[Symbol.iterator]();
  }
  values(): MapIterator<number> {
    return this.pos[Symbol.iterator]();
  }
  forEach(cb: (value: number, key: string, map: ReadonlyMap<string, number>) => void): void {
    for (let i = 0; i < this.pos.length; i++) cb(this.pos[i]!, this.shape.keys[i]!, this);
  }
  [Symbol.iterator](): MapIterator<[string, number]> {
    return this.entries();
  }
}

export function compactPositions(fields: ReadonlyMap<string, number>): ReadonlyMap<string, number> {
  const keys = [...fields.keys()];
  const signature = keys.join('\u001e');
  let shape = shapes.get(signature);
  if (!shape) {
    shape = { keys, index: new Map(keys.map((k, i) => [k, i])) };
    if (shapes.size < MAX_SHAPES) shapes.set(signature, shape);
  }
  return new ShapedPositions(shape, [...fields.values()]);
}

const MAX_INTERNED = 200_000;
const MAX_INTERNED_LENGTH = 48;
const strings = new Map<string, string>();

/**
 * A string that does not keep its file's whole text alive. V8 makes substrings of 13 or more
 * characters "sliced strings" that point into the parent: a few kept values would pin a 20 MB
 * source. Concatenating and slicing again forces a copy of just this value.
 */
export function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** The one stored copy of a short string; a copy of its own for a long one. */
export function intern(s: string): string {
  if (s.length > MAX_INTERNED_LENGTH) return own(s);
  const hit = strings.get(s);
  if (hit !== undefined) return hit;
  const copy = own(s);
  if (strings.size < MAX_INTERNED) strings.set(copy, copy);
  return copy;
}
