// What never leaves a cluster read: Secret values, and BGP passwords wherever MetalLB's users
// write them (BGPPeer spec.password, a legacy ConfigMap's peers, frr-k8s FRRConfiguration
// neighbours, and the last-applied-configuration annotation kubectl apply leaves on any of
// them). Values are replaced by a fixed mask, so rules still see that a password is set.
import { isMap, isPair, isScalar, parseDocument, visit } from 'yaml';
import type { KubeObject } from './types.js';

export const MASK = '<masked by metallb-doctor>';
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Rec) : undefined);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Secrets keep their type and key names; the values become empty strings. */
export function dropSecretValues(o: Rec): void {
  for (const f of ['data', 'stringData']) {
    const d = o[f];
    if (d === undefined || d === null) continue;
    const r = rec(d);
    if (r) for (const k of Object.keys(r)) r[k] = '';
    else if (Array.isArray(d)) o[f] = d.map(() => '');
    else o[f] = '';
  }
  maskLastApplied(o, true);
}

function maskLastApplied(o: Rec, always: boolean): boolean {
  const ann = rec(rec(o.metadata)?.annotations);
  if (!ann || !Object.hasOwn(ann, LAST_APPLIED)) return false;
  const v = ann[LAST_APPLIED];
  if (!always && !(typeof v === 'string' && /password/i.test(v))) return false;
  ann[LAST_APPLIED] = always && o.kind === 'Secret' ? '' : MASK;
  return true;
}

function maskField(r: Rec | undefined, key: string): boolean {
  if (!r || r[key] === undefined || r[key] === null || r[key] === '') return false;
  r[key] = MASK;
  return true;
}

/**
 * Masks the legacy configuration text's `password:` values (any depth: peers[].password), keeping
 * the rest of the text as written. Text that is not YAML has its `password: value` lines masked.
 */
export function maskConfigText(text: string): string {
  if (!/password/i.test(text)) return text;
  try {
    const doc = parseDocument(text);
    if (doc.errors.length === 0) {
      let changed = false;
      visit(doc, {
        Pair(_, pair) {
          if (isPair(pair) && isScalar(pair.key) && String(pair.key.value).toLowerCase() === 'password' && isScalar(pair.value) && pair.value.value !== '' && pair.value.value !== null) {
            pair.value.value = MASK;
            changed = true;
          }
        },
      });
      if (changed || !isMap(doc.contents)) return changed ? doc.toString() : text;
      return text;
    }
  } catch {
    // fall through to the line-wise mask
  }
  return text.replace(/(password["']?\s*:\s*)("[^"]*"|'[^']*'|[^,}\s#][^,}\n#]*)/gi, `$1"${MASK}"`);
}

/** Removes the secrets from an object read from a cluster, in place; true when anything was masked. */
export function maskObject(o: KubeObject): boolean {
  const r = o as Rec;
  if (o.kind === 'Secret') {
    dropSecretValues(r);
    return true;
  }
  let masked = false;
  const group = typeof o.apiVersion === 'string' && o.apiVersion.includes('/') ? o.apiVersion.slice(0, o.apiVersion.indexOf('/')) : '';
  if (o.kind === 'BGPPeer' && group === 'metallb.io') {
    masked = maskField(rec(r.spec), 'password') || masked;
  } else if (o.kind === 'FRRConfiguration') {
    for (const router of list(rec(rec(r.spec)?.bgp)?.routers)) for (const n of list(rec(router)?.neighbors)) masked = maskField(rec(n), 'password') || masked;
  } else if (o.kind === 'ConfigMap') {
    const data = rec(r.data);
    if (data) {
      for (const [k, v] of Object.entries(data)) {
        if (typeof v !== 'string') continue;
        const m = maskConfigText(v);
        if (m !== v) {
          data[k] = m;
          masked = true;
        }
      }
    }
  }
  // kubectl apply keeps the whole object, the password included, in this annotation
  const carries = o.kind === 'BGPPeer' || o.kind === 'FRRConfiguration' || o.kind === 'ConfigMap';
  return maskLastApplied(r, carries) || masked;
}
