// A legacy MetalLB (<= 0.12) reads its configuration from a ConfigMap; it is turned into the
// same CRs MetalLB's configmaptocrs would write, with positions pointing into the embedded YAML,
// so every rule works on a legacy installation too.
import { packPos, pathKey, positionOf, sourceOf, type KubeObject, type LoadIssue } from '../sources/types.js';
import { parseEmbeddedYaml, parseYamlText } from '../sources/yaml.js';
import { convertLegacyConfig, type LegacyProblem } from '../model/legacy.js';
import { asRecord } from './cluster-state.js';

export interface LegacyDerivation {
  configMap: KubeObject;
  objects: KubeObject[];
  problems: LegacyProblem[];
  /** syntax errors and ambiguous values inside the embedded YAML */
  issues: LoadIssue[];
}

export function deriveLegacyConfig(configMap: KubeObject): LegacyDerivation {
  const text = asRecord(configMap.data).config;
  const src = sourceOf(configMap);
  const file = src?.file ?? '<unknown>';
  if (typeof text !== 'string') return { configMap, objects: [], problems: [], issues: [] };
  const at = positionOf(configMap, ['data', 'config']) ?? { file, line: 1, column: 1 };
  // Only a literal block (`config: |`) maps line for line onto the file; a quoted or JSON string
  // does not, so everything inside it is pinned to the string's own position.
  const literal = src?.literalBlocks?.has(pathKey(['data', 'config'])) ?? false;
  // Go's decoders keep a number or a boolean written in a string field as its text (a password 0123)
  const parsed = literal ? parseEmbeddedYaml(text, file, at, { rawScalars: true }) : parseYamlText(text, file, { rawScalars: true });
  const pin = (line: number, column: number) => (literal ? { line, column } : { line: at.line, column: at.column });
  // a duplicate key inside the configuration is no kubectl matter (the ConfigMap holds a string):
  // legacy MetalLB's yaml.v2 UnmarshalStrict refuses it, configmaptocrs keeps the last value
  const duplicates: LegacyProblem[] = [];
  const issues = parsed.issues.flatMap((i) => {
    const at = { ...i, ...pin(i.line, i.column) };
    if (i.kind !== 'duplicate-key') return [at];
    const key = /^duplicate key ("(?:[^"\\]|\\.)*")/.exec(i.message)?.[1] ?? 'a key';
    duplicates.push({ path: [], kind: 'legacy-invalid', message: `duplicate key ${key}: legacy MetalLB (yaml.v2 UnmarshalStrict) refuses the whole configuration; configmaptocrs keeps the last value`, position: { file: at.file, line: at.line, column: at.column } });
    return [];
  });
  const doc = parsed.documents[0];
  if (!doc) return { configMap, objects: [], problems: [], issues };
  const fields = literal ? doc.fields : new Map([...doc.fields.keys()].map((k) => [k, packPos(at.line, at.column)]));
  const { objects, problems } = convertLegacyConfig(configMap, { value: doc.value, fields, file, ...(doc.rawScalars ? { raw: doc.rawScalars } : {}) });
  return { configMap, objects, problems: [...duplicates, ...problems], issues };
}
