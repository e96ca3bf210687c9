// What never leaves a cluster read: Secret values, and BGP passwords wherever MetalLB's users
// write them (BGPPeer spec.password, a legacy ConfigMap's peers, frr-k8s FRRConfiguration
// neighbours, and the last-applied-configuration annotation kubectl apply leaves on any of
// them). Values are replaced by a fixed mask, so rules still see that a password is set.
import { isAlias, isPair, isScalar, parseDocument, visit, type Scalar } from 'yaml';
import type { KubeObject } from './types.js';

export { MASK } from '../model/mask.js';
import { MASK } from '../model/mask.js';
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

/** FRR's own configuration text (bgpextras, an FRRConfiguration's rawConfig): `neighbor X password Y`. */
const FRR_PASSWORD = /(\bneighbor\s+\S+\s+password\s+)(\S.*)$/gim;

/**
 * Masks the `password:` values of a legacy configuration text (any depth: peers[].password, and
 * what an alias of one points at), and FRR's `neighbor X password Y` lines. Only the values are
 * replaced, in place: every other byte of the text stays as written, so positions inside it still
 * match the user's file. Text that is not YAML has the rest of each `password:` line masked.
 */
export function maskConfigText(text: string): string {
  if (!/password/i.test(text)) return text;
  let out = text;
  try {
    const doc = parseDocument(text);
    if (doc.errors.length === 0) {
      const anchors = new Map<string, Scalar>();
      visit(doc, {
        Scalar(_, node) {
          if (node.anchor) anchors.set(node.anchor, node);
        },
      });
      const targets = new Set<Scalar>();
      visit(doc, {
        Pair(_, pair) {
          if (!isPair(pair) || !isScalar(pair.key) || String(pair.key.value).toLowerCase() !== 'password') return;
          const v = isAlias(pair.value) ? anchors.get(pair.value.source) : isScalar(pair.value) ? pair.value : undefined;
          if (v && v.value !== '' && v.value !== null && v.range) targets.add(v);
        },
      });
      // from the end, so that earlier ranges stay valid
      for (const t of [...targets].sort((x, y) => y.range![0] - x.range![0])) out = `${out.slice(0, t.range![0])}${JSON.stringify(MASK)}${out.slice(t.range![1])}`;
      return out.replace(FRR_PASSWORD, (_, head: string) => `${head}${MASK}`);
    }
  } catch {
    // fall through to the line-wise mask
  }
  return out.replace(/(password["']?\s*:[ \t]*)(\S.*)$/gim, `$1"${MASK}"`).replace(FRR_PASSWORD, (_, head: string) => `${head}${MASK}`);
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
    const raw = rec(rec(r.spec)?.raw);
    if (raw && typeof raw.rawConfig === 'string') {
      const m = maskConfigText(raw.rawConfig);
      if (m !== raw.rawConfig) {
        raw.rawConfig = m;
        masked = true;
      }
    }
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

export { maskLogText } from '../model/logs/mask.js';
