// What never leaves a cluster read: Secret values, and BGP passwords wherever MetalLB's users
// write them (BGPPeer spec.password, a legacy ConfigMap's peers, frr-k8s FRRConfiguration
// neighbours, FRR's running configuration in an FRRNodeState's status, kube-vip's environment
// and flags in Pods and workloads, and the last-applied-configuration annotation kubectl apply
// leaves on any of them). Values are replaced by a fixed mask, so rules still see that a password
// is set.
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

/**
 * FRR's own configuration text (bgpextras, an FRRConfiguration's rawConfig, an FRRNodeState's
 * running configuration): `neighbor X password Y`, and the vty's `password Y` / `enable password Y`.
 */
const FRR_PASSWORD = /(\bneighbor\s+\S+\s+password\s+|^[ \t]*(?:enable[ \t]+)?password[ \t]+)(\S.*)$/gim;

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

/**
 * Whether an environment variable or a flag (`--peerPass`) holds a password by its name: kube-vip's
 * `bgp_peerpass`, and any name with a word `pass`, `passwd`, `password` or `passphrase` (or ending
 * so: `peerpass`, `bgpPassword`), unless it names where the password is (`PASSWORD_FILE`,
 * `..._PATH`, `..._NAME`, `..._REF`). `BYPASS_PROXY` or `PASSTHROUGH` are no passwords.
 */
export function isPasswordName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  if (words.length > 1 && ['file', 'path', 'dir', 'name', 'ref'].includes(words[words.length - 1]!)) return false;
  return words.some((w) => w === 'pass' || w === 'peerpass' || /(password|passwd|passphrase)$/.test(w));
}

/**
 * kube-vip's peers (`bgp_peers`, `--bgppeers`): `address:AS:password:multihop` separated by commas,
 * an IPv6 address in brackets; the password (the third field, as kube-vip's ParseBGPPeerConfig
 * splits an entry) is masked, the rest stays.
 */
export function maskKubeVipPeers(text: string): string {
  return text
    .split(',')
    .map((entry) => entry.replace(/^(\s*(?:\[[^\]]*\])?[^:]*:[^:]*:)([^:]+)/, (_, head: string) => `${head}${MASK}`))
    .join(',');
}

const isPeersName = (name: string) => /^-*(bgp_?peers)$/i.test(name);

/** A container's env values and flags that hold BGP passwords (kube-vip's), masked in place. */
function maskContainer(c: Rec): boolean {
  let masked = false;
  for (const e of list(c.env).map(rec)) {
    if (!e || typeof e.name !== 'string' || typeof e.value !== 'string' || e.value === '') continue;
    if (isPeersName(e.name)) {
      const m = maskKubeVipPeers(e.value);
      if (m !== e.value) {
        e.value = m;
        masked = true;
      }
    } else if (isPasswordName(e.name)) {
      e.value = MASK;
      masked = true;
    }
  }
  for (const field of ['command', 'args']) {
    const argv = c[field];
    if (!Array.isArray(argv)) continue;
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i];
      if (typeof a !== 'string' || !a.startsWith('-')) continue;
      const eq = a.indexOf('=');
      const flag = eq >= 0 ? a.slice(0, eq) : a;
      const peers = isPeersName(flag);
      if (!peers && !isPasswordName(flag.replace(/^-+/, ''))) continue;
      const mask = (v: string) => (peers ? maskKubeVipPeers(v) : MASK);
      const at = eq >= 0 ? i : i + 1;
      const value = eq >= 0 ? a.slice(eq + 1) : argv[i + 1];
      if (typeof value !== 'string' || value === '' || (eq < 0 && value.startsWith('-'))) continue;
      const m = mask(value);
      if (m === value) continue;
      argv[at] = eq >= 0 ? `${flag}=${m}` : m;
      masked = true;
      i = at;
    }
  }
  return masked;
}

/** The pod spec of a Pod, of a workload's template, or of a CronJob's job template. */
function podSpecOf(r: Rec): Rec | undefined {
  const spec = rec(r.spec);
  if (r.kind === 'Pod') return spec;
  const template = rec(spec?.template) ?? rec(rec(rec(spec?.jobTemplate)?.spec)?.template);
  return rec(template?.spec);
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
  } else if (o.kind === 'FRRNodeState') {
    // FRR's running configuration (and a failed reload's account of it): `neighbor X password Y`
    const status = rec(r.status);
    for (const [k, v] of Object.entries(status ?? {})) {
      if (typeof v !== 'string') continue;
      const m = maskConfigText(v);
      if (m !== v) {
        status![k] = m;
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
  const podSpec = podSpecOf(r);
  let inContainers = false;
  if (podSpec) for (const f of ['initContainers', 'containers', 'ephemeralContainers']) for (const c of list(podSpec[f])) inContainers = (rec(c) !== undefined && maskContainer(rec(c)!)) || inContainers;
  masked = masked || inContainers;
  // kubectl apply keeps the whole object, the password included, in this annotation
  const carries = o.kind === 'BGPPeer' || o.kind === 'FRRConfiguration' || o.kind === 'FRRNodeState' || o.kind === 'ConfigMap' || inContainers;
  return maskLastApplied(r, carries) || masked;
}

export { maskLogText } from '../model/logs/mask.js';
