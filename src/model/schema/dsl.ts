// A tiny structural-schema language of our own, enough to check what the API server's
// OpenAPI/CEL validation (and MetalLB's Go decoding) would refuse, with messages in the
// API server's style. Validation never throws and never descends deeper than the schema.

import { parseGoDuration } from './duration.js';

export type SchemaPath = (string | number)[];

export interface SchemaViolation {
  /** the offending field, or the parent object for a missing required field */
  path: SchemaPath;
  message: string;
  /**
   * who refuses it: the API server (schema, CEL), or MetalLB/Kubernetes when decoding the
   * object into Go types (e.g. an unparsable duration, an int32 overflow, a bad selector operator)
   */
  origin: 'api-server' | 'decode';
}

interface Common {
  /** extra checks on the value once its type is right (CEL rules, cross-field rules) */
  checks?: Check[];
}
export type Check = (value: unknown, path: SchemaPath, emit: Emit) => void;
export type Emit = (path: SchemaPath, message: string, origin?: SchemaViolation['origin']) => void;

export interface ObjectSchema extends Common {
  type: 'object';
  properties: Map<string, Schema>;
  required: string[];
  /** 'reject': unknown fields are violations (MetalLB CRDs); 'allow': core kinds, pod specs */
  unknown: 'reject' | 'allow';
}
export interface StringSchema extends Common {
  type: 'string';
  enum?: readonly string[];
  duration?: boolean;
  /** a CEL rule calls duration() on it: the API server itself refuses a value that does not parse */
  durationInCel?: boolean;
}
export interface IntegerSchema extends Common {
  type: 'integer';
  /** schema bounds: the API server rejects values outside them */
  minimum?: number;
  maximum?: number;
  /** the Go type's range: values outside decode into nothing (MetalLB cannot read the object) */
  goType?: { name: string; min: number; max: number };
}
export interface BooleanSchema extends Common {
  type: 'boolean';
}
export interface ArraySchema extends Common {
  type: 'array';
  items: Schema;
  minItems?: number;
}
export interface MapSchema extends Common {
  type: 'map';
  values: Schema;
}
export interface IntOrStringSchema extends Common {
  type: 'int-or-string';
}
/** x-kubernetes-preserve-unknown-fields: anything goes (pod templates, webhook rules...) */
export interface AnySchema extends Common {
  type: 'any';
}

export type Schema =
  | ObjectSchema
  | StringSchema
  | IntegerSchema
  | BooleanSchema
  | ArraySchema
  | MapSchema
  | IntOrStringSchema
  | AnySchema;

// ---------------------------------------------------------------------------------------------
// Constructors

const INT32 = { name: 'int32', min: -2147483648, max: 2147483647 };
const INT64 = { name: 'int64', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER };
const UINT32 = { name: 'uint32', min: 0, max: 4294967295 };
const UINT16 = { name: 'uint16', min: 0, max: 65535 };

export interface ObjOptions {
  required?: string[];
  checks?: Check[];
}

/** An object whose unknown fields are violations. */
export function obj(props: Record<string, Schema>, opts: ObjOptions = {}): ObjectSchema {
  return { type: 'object', properties: new Map(Object.entries(props)), required: opts.required ?? [], unknown: 'reject', checks: opts.checks };
}
/** An object that allows unknown fields (only the listed ones are type-checked). */
export function loose(props: Record<string, Schema>, opts: ObjOptions = {}): ObjectSchema {
  return { ...obj(props, opts), unknown: 'allow' };
}
export const str = (opts: { checks?: Check[] } = {}): StringSchema => ({ type: 'string', ...opts });
export const enumOf = (...values: string[]): StringSchema => ({ type: 'string', enum: values });
/** A Go time.Duration written as a string ("90s", "1m30s", "1h"). */
export const duration = (opts: { checks?: Check[]; durationInCel?: boolean } = {}): StringSchema => ({ type: 'string', duration: true, ...opts });
export const bool = (): BooleanSchema => ({ type: 'boolean' });
export const int32 = (minimum?: number, maximum?: number): IntegerSchema => ({ type: 'integer', minimum, maximum, goType: INT32 });
export const int64 = (minimum?: number, maximum?: number): IntegerSchema => ({ type: 'integer', minimum, maximum, goType: INT64 });
export const uint32 = (minimum?: number, maximum?: number): IntegerSchema => ({ type: 'integer', minimum, maximum, goType: UINT32 });
export const uint16 = (minimum?: number, maximum?: number): IntegerSchema => ({ type: 'integer', minimum, maximum, goType: UINT16 });
export const arr = (items: Schema, opts: { minItems?: number; checks?: Check[] } = {}): ArraySchema => ({ type: 'array', items, ...opts });
export const mapOf = (values: Schema): MapSchema => ({ type: 'map', values });
export const intOrString = (): IntOrStringSchema => ({ type: 'int-or-string' });
export const preserve = (): AnySchema => ({ type: 'any' });

/**
 * metav1.LabelSelector. The CRDs only type the fields (operator is a plain string): an operator
 * outside In/NotIn/Exists/DoesNotExist in a MetalLB object is refused by MetalLB's webhooks and
 * parse, which the configuration rules report (pool-selector-invalid,
 * advertisement-selector-invalid, bgppeer-invalid) with MetalLB's text. For the core kinds
 * (strict false) the API server refuses it: checked here.
 */
export function labelSelector(strict: boolean): ObjectSchema {
  const mk = strict ? obj : loose;
  return mk({
    matchLabels: mapOf(str()),
    matchExpressions: arr(
      mk(
        {
          key: str(),
          operator: strict ? str() : { type: 'string', checks: [operatorCheck] },
          values: arr(str()),
        },
        { required: ['key', 'operator'] },
      ),
    ),
  });
}

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
export const operatorCheck: Check = (v, path, emit) => {
  if (typeof v === 'string' && !OPERATORS.includes(v)) {
    emit(path, `${fmtPath(path)}: Unsupported value: ${JSON.stringify(v)}: supported values: ${OPERATORS.map((o) => JSON.stringify(o)).join(', ')}`);
  }
};

// ---------------------------------------------------------------------------------------------
// Validation

/** Field path as the API server prints it: spec.nodeSelectors[0].matchLabels.zone */
export function fmtPath(path: SchemaPath): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else s += s === '' ? p : `.${p}`;
  }
  return s;
}

/** The JSON type name the API server prints in "Invalid value" for a wrongly typed value. */
export function jsonTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Levenshtein distance, bounded: returns > max as soon as it is certain. */
export function editDistance(a: string, b: string, max = 3): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/** The known field a misspelt one most likely meant (case-insensitive match first, then distance <= 2). */
export function suggestField(name: string, known: Iterable<string>): string | undefined {
  if (name.length > 200) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  const lower = name.toLowerCase();
  for (const k of known) {
    if (k.toLowerCase() === lower) return k;
    const limit = k.length <= 4 ? 1 : 2;
    const d = editDistance(lower, k.toLowerCase(), limit);
    if (d <= limit && d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

const MAX_VIOLATIONS = 500;

class Collector {
  readonly out: SchemaViolation[] = [];
  emit: Emit = (path, message, origin = 'api-server') => {
    if (this.out.length < MAX_VIOLATIONS) this.out.push({ path: [...path], message, origin });
  };
  get full(): boolean {
    return this.out.length >= MAX_VIOLATIONS;
  }
}

function typeError(c: Collector, path: SchemaPath, v: unknown, want: string): void {
  const p = fmtPath(path);
  c.emit(path, `${p}: Invalid value: ${JSON.stringify(jsonTypeName(v))}: ${p} in body must be of type ${want}`);
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

function showNumber(v: unknown): string {
  return typeof v === 'bigint' ? v.toString() : String(v);
}

/**
 * `path` is one array pushed and popped on the way down (no copy per field: validation walks every
 * field of every object); whatever keeps a path (Collector.emit) copies it.
 */
function run(schema: Schema, v: unknown, path: (string | number)[], c: Collector): void {
  if (c.full) return;
  switch (schema.type) {
    case 'any':
      break;
    case 'string':
      if (typeof v !== 'string') return typeError(c, path, v, 'string');
      if (schema.enum && !schema.enum.includes(v)) {
        c.emit(path, `${fmtPath(path)}: Unsupported value: ${JSON.stringify(v)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`);
        return;
      }
      if (schema.duration) {
        const d = parseGoDuration(v);
        if (!d.ok) {
          c.emit(path, `${fmtPath(path)}: Invalid value: ${JSON.stringify(v)}: ${d.error}`, schema.durationInCel ? 'api-server' : 'decode');
          return;
        }
      }
      break;
    case 'boolean':
      if (typeof v !== 'boolean') return typeError(c, path, v, 'boolean');
      break;
    case 'integer': {
      const n = num(v);
      if (n === undefined || !Number.isInteger(n)) return typeError(c, path, v, 'integer');
      const p = fmtPath(path);
      if (schema.minimum !== undefined && n < schema.minimum) {
        c.emit(path, `${p}: Invalid value: ${showNumber(v)}: ${p} in body should be greater than or equal to ${schema.minimum}`);
        return;
      }
      if (schema.maximum !== undefined && n > schema.maximum) {
        c.emit(path, `${p}: Invalid value: ${showNumber(v)}: ${p} in body should be less than or equal to ${schema.maximum}`);
        return;
      }
      const g = schema.goType;
      if (g && (n < g.min || n > g.max)) {
        c.emit(path, `${p}: Invalid value: ${showNumber(v)}: ${p} does not fit in ${g.name} (${g.min}..${g.max}), the object cannot be decoded`, 'decode');
        return;
      }
      break;
    }
    case 'int-or-string':
      if (typeof v !== 'string' && !(num(v) !== undefined && Number.isInteger(num(v)))) {
        const p = fmtPath(path);
        c.emit(path, `${p}: Invalid value: ${JSON.stringify(jsonTypeName(v))}: ${p} in body must be of type integer or string`);
        return;
      }
      break;
    case 'array': {
      if (!Array.isArray(v)) return typeError(c, path, v, 'array');
      if (schema.minItems !== undefined && v.length < schema.minItems) {
        const p = fmtPath(path);
        c.emit(path, `${p}: Invalid value: ${v.length}: ${p} in body should have at least ${schema.minItems} items`);
      }
      for (let i = 0; i < v.length && !c.full; i++) {
        path.push(i);
        run(schema.items, v[i], path, c);
        path.pop();
      }
      break;
    }
    case 'map': {
      if (!isPlainObject(v)) return typeError(c, path, v, 'object');
      for (const k of Object.keys(v)) {
        if (c.full) break;
        path.push(k);
        run(schema.values, v[k], path, c);
        path.pop();
      }
      break;
    }
    case 'object': {
      if (!isPlainObject(v)) return typeError(c, path, v, 'object');
      for (const r of schema.required) {
        // null is pruned by the API server before validation, so it counts as absent
        if (!hasOwn(v, r) || v[r] === null || v[r] === undefined) c.emit(path, `${fmtPath([...path, r])}: Required value`);
      }
      for (const k of Object.keys(v)) {
        if (c.full) break;
        const sub = schema.properties.get(k);
        if (sub === undefined) {
          if (schema.unknown === 'reject') {
            const hint = suggestField(k, schema.properties.keys());
            c.emit([...path, k], `unknown field ${JSON.stringify(fmtPath([...path, k]))}${hint ? ` (did you mean ${JSON.stringify(hint)}?)` : ''}`);
          }
          continue;
        }
        const fv = v[k];
        if (fv === null || fv === undefined) continue;
        path.push(k);
        run(sub, fv, path, c);
        path.pop();
      }
      break;
    }
  }
  if (schema.checks && !c.full) {
    for (const check of schema.checks) {
      try {
        check(v, path, c.emit);
      } catch {
        // a check must never take validation down; the type errors above already say what is wrong
      }
    }
  }
}

/** Validate `value` against `schema`; `path` is where `value` sits in the object. Never throws. */
export function validateAgainst(schema: Schema, value: unknown, path: SchemaPath = []): SchemaViolation[] {
  const c = new Collector();
  try {
    run(schema, value, [...path], c);
  } catch {
    // defensive: getters or exotic objects; report what we have
  }
  return c.out;
}
