// The BFD profiles section of the parse: bfdProfilesFor / bfdProfileFromCR
// (internal/config/config.go), and the native mode filter's ban on BFD profiles (DiscardFRROnly).
import type { KubeObject } from '../../sources/types.js';
import type { ConfigError, ConfigInput, ParseContext } from './types.js';

/** bfdProfileFromCR's ranges, in its order, with the second line of its joined error. */
export const BFD_RANGES: { field: string; min: number; max: number; what: string }[] = [
  { field: 'detectMultiplier', min: 2, max: 255, what: 'detect multiplier' },
  { field: 'receiveInterval', min: 10, max: 60000, what: 'receive interval' },
  { field: 'transmitInterval', min: 10, max: 60000, what: 'transmit interval' },
  { field: 'minimumTtl', min: 1, max: 254, what: 'minimum ttl' },
  { field: 'echoInterval', min: 10, max: 60000, what: 'echo interval' },
];

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

/** A uint32 as the Go decoder reads it; anything else is object-schema-invalid's. */
const isUint32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;

export function parseBFDSection(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  const out: ConfigError[] = [];
  const seen = new Map<string, KubeObject>();
  input.bfdProfiles.forEach((profile, i) => {
    const spec = rec(profile.spec);
    for (const r of BFD_RANGES) {
      const v = spec[r.field];
      if (!isUint32(v) || (v >= r.min && v <= r.max)) continue;
      // neither webhook parses BFD profiles (the BFDProfile webhook checks the namespace only);
      // the CRD's own ranges normally refuse these first
      out.push({
        code: 'bfd-range',
        message: `parsing bfd profile #${i + 1}: invalid value ${v}, must be in ${r.min}-${r.max} range; invalid ${r.what} value`,
        subjects: [{ obj: profile, path: ['spec', r.field] }],
        rejectedBy: 'runtime',
      });
    }
    const name = profile.metadata?.name ?? '';
    const first = seen.get(name);
    if (first) {
      out.push({
        code: 'bfd-duplicate',
        message: `found duplicate bfd profile name ${name}`,
        subjects: [{ obj: profile, path: ['metadata', 'name'] }, { obj: first, path: ['metadata', 'name'] }],
        rejectedBy: 'runtime',
      });
    } else if (name !== '') seen.set(name, profile);
  });
  if (ctx.backend === 'native') {
    // the mode filter refuses any profile, used or not; no webhook feeds BFD profiles to it
    for (const profile of input.bfdProfiles) {
      out.push({ code: 'bfd-native', message: 'bfd profiles section set', subjects: [{ obj: profile }], rejectedBy: 'runtime' });
    }
  }
  return out;
}
