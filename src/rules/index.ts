// The registry: every implemented rule, in catalog order. The meta-test checks that each id here
// has a module named after it, a docs page, an index entry and a test.
import type { Rule } from './types.js';
import yamlSyntaxError from './input/yaml-syntax-error.js';
import yamlAmbiguousValue from './input/yaml-ambiguous-value.js';
import objectSchemaInvalid from './input/object-schema-invalid.js';
import objectDuplicate from './input/object-duplicate.js';
import poolMissing from './pools/pool-missing.js';
import poolAddressInvalid from './pools/pool-address-invalid.js';
import poolCidrHostBits from './pools/pool-cidr-host-bits.js';
import poolOverlap from './pools/pool-overlap.js';
import poolIncludesNetworkOrBroadcast from './pools/pool-includes-network-or-broadcast.js';
import advertisementWrongNamespace from './advertisements/advertisement-wrong-namespace.js';

export const RULES: readonly Rule[] = [
  yamlSyntaxError,
  yamlAmbiguousValue,
  objectSchemaInvalid,
  objectDuplicate,
  poolMissing,
  poolAddressInvalid,
  poolCidrHostBits,
  poolOverlap,
  poolIncludesNetworkOrBroadcast,
  advertisementWrongNamespace,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}

/** Rules that can run on manifests alone (evidence includes `files`): what `lint` runs. */
export function fileRules(): Rule[] {
  return RULES.filter((r) => r.meta.evidence.includes('files'));
}
