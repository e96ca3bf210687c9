// validateObject: the structural-schema check behind rule object-schema-invalid.

import type { KubeObject } from '../../sources/types.js';
import { validateAgainst, type Schema, type SchemaViolation } from './dsl.js';
import { metallbSchemas } from './metallb.js';
import { coreSchemas } from './core.js';

export type { SchemaViolation, Schema, SchemaPath } from './dsl.js';
export { validateAgainst, fmtPath, suggestField, editDistance } from './dsl.js';
export { parseGoDuration, formatGoDuration } from './duration.js';

const SCHEMAS = new Map<string, Schema>([...Object.entries(metallbSchemas), ...Object.entries(coreSchemas)]);

/** The schema of (apiVersion, kind), or undefined for kinds we do not model. */
export function schemaFor(apiVersion: unknown, kind: unknown): Schema | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return SCHEMAS.get(`${apiVersion}/${kind}`);
}

/**
 * What the API server (or MetalLB's decoding) would refuse in `obj`. Unknown kinds yield [].
 * Violations' paths point at the offending field, or at the parent object of a missing
 * required field, ready for positionOf(obj, path). Never throws.
 */
export function validateObject(obj: KubeObject): SchemaViolation[] {
  try {
    if (typeof obj !== 'object' || obj === null) return [];
    const schema = schemaFor(obj.apiVersion, obj.kind);
    if (!schema) return [];
    return validateAgainst(schema, obj);
  } catch {
    return [];
  }
}
