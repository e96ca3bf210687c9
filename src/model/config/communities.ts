// The communities section of the parse: communitiesFromCrs (internal/config/config.go), the
// community parser (internal/bgp/community) and, in native mode, the large-community ban of
// findNonLegacyCommunity (validation.go). The Community webhook re-parses every Community object.
import type { KubeObject } from '../../sources/types.js';
import { goQuote } from '../address.js';
import { isRec, list } from './pools.js';
import type { ConfigError, ConfigInput, ParseContext } from './types.js';

export type CommunityParse =
  | { ok: true; large: boolean }
  /**
   * 'value': a standard or large community with a bad part (always refused);
   * 'format': any other shape, which an advertisement may mean as an alias name
   */
  | { ok: false; kind: 'value' | 'format'; error: string };

/** Go's strconv.ParseUint(s, 10, bits): the error text, or undefined when it parses. */
function parseUintError(s: string, bits: 16 | 32): string | undefined {
  const max = (1n << BigInt(bits)) - 1n;
  const fail = (what: string) => `strconv.ParseUint: parsing ${goQuote(s)}: ${what}`;
  if (s === '') return fail('invalid syntax');
  let n = 0n;
  // the first problem met from the left wins, as in Go's loop
  for (const c of s) {
    if (c < '0' || c > '9') return fail('invalid syntax');
    n = n * 10n + BigInt(c.charCodeAt(0) - 48);
    if (n > max) return fail('value out of range');
  }
  return undefined;
}

/** community.New: `A:B` (uint16 each) or `large:A:B:C` (uint32 each). */
export function parseCommunity(c: string): CommunityParse {
  const fs = c.split(':');
  const section = (f: string, err: string) =>
    `invalid community value: invalid section ${goQuote(f)} of community ${goQuote(c)}, err: ${goQuote(err)}`;
  if (fs.length === 2) {
    for (const f of fs) {
      const err = parseUintError(f, 16);
      if (err) return { ok: false, kind: 'value', error: section(f, err) };
    }
    return { ok: true, large: false };
  }
  if (fs.length === 4) {
    if (fs[0] !== 'large') {
      return {
        ok: false,
        kind: 'value',
        error: `invalid community value: invalid marker for large community, expected community to be of format large:<uint32>:<uint32>:<uint32> but got ${goQuote(c)} instead`,
      };
    }
    for (const f of fs.slice(1)) {
      const err = parseUintError(f, 32);
      if (err) return { ok: false, kind: 'value', error: section(f, err) };
    }
    return { ok: true, large: true };
  }
  return { ok: false, kind: 'format', error: `invalid community format: ${c}` };
}

/** One alias of a Community object. */
export interface CommunityAlias {
  obj: KubeObject;
  /** index in spec.communities */
  index: number;
  name: string;
  value: string;
  parse: CommunityParse;
}

/** Every alias of every Community object, in order (entries that are not objects are skipped). */
export function communityAliases(communities: readonly KubeObject[]): CommunityAlias[] {
  const out: CommunityAlias[] = [];
  for (const obj of communities) {
    const spec = isRec(obj.spec) ? obj.spec : {};
    list(spec.communities).forEach((entry, index) => {
      if (!isRec(entry)) return;
      const name = typeof entry.name === 'string' ? entry.name : '';
      const value = typeof entry.value === 'string' ? entry.value : '';
      out.push({ obj, index, name, value, parse: parseCommunity(value) });
    });
  }
  return out;
}

export function parseCommunitiesSection(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  const errors: ConfigError[] = [];
  const first = new Map<string, CommunityAlias>();
  for (const alias of communityAliases(input.communities)) {
    const at = ['spec', 'communities', alias.index];
    if (!alias.parse.ok) {
      errors.push({
        code: 'community-invalid',
        message: `parsing community ${goQuote(alias.name)}: ${alias.parse.error}`,
        subjects: [{ obj: alias.obj, path: [...at, 'value'] }],
        rejectedBy: 'webhook',
      });
    }
    const prev = first.get(alias.name);
    if (prev) {
      const where = prev.obj === alias.obj ? 'in the same Community' : `in Community "${prev.obj.metadata?.name ?? ''}"`;
      errors.push({
        code: 'community-duplicate',
        message: `duplicate definition of community ${goQuote(alias.name)} (first defined ${where})`,
        subjects: [
          { obj: alias.obj, path: [...at, 'name'] },
          { obj: prev.obj, path: ['spec', 'communities', prev.index, 'name'] },
        ],
        rejectedBy: 'webhook',
      });
    } else {
      first.set(alias.name, alias);
    }
    if (ctx.backend === 'native' && alias.parse.ok && alias.parse.large) {
      errors.push({
        code: 'community-large-native',
        // Go's %q of the {name, value} struct quotes each field
        message: `native BGP mode only supports legacy communities, BGP community CR ${goQuote(alias.obj.metadata?.name ?? '')} has non legacy community {${goQuote(alias.name)} ${goQuote(alias.value)}}`,
        subjects: [{ obj: alias.obj, path: [...at, 'value'] }],
        rejectedBy: 'webhook',
      });
    }
  }
  return errors;
}
