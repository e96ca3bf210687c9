import type { KubeObject } from '../../sources/types.js';
import { pathKey, positionOf, sourceOf, unpackPos } from '../../sources/types.js';
import { parseEmbeddedYaml, parseYamlText } from '../../sources/yaml.js';
import { defineRule, type Subject } from '../types.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { containers } from '../../state/installation.js';
import { namesText } from '../../report/text.js';

const KEY = 'config.conf';
const FIX_SED = `kubectl get configmap kube-proxy -n kube-system -o yaml | sed -e "s/strictARP: false/strictARP: true/" | kubectl apply -f - -n kube-system`;
const RESTART = 'kubectl -n kube-system rollout restart daemonset kube-proxy';

interface ProxyConfig {
  mode: unknown;
  strictARP: unknown;
  /** the embedded document has an ipvs section */
  hasIPVS: boolean;
  /** positions inside the embedded YAML, when its lines map onto the file (a literal block) */
  at?: (path: string[]) => { file: string; line: number; column: number } | undefined;
}

/** kube-proxy's KubeProxyConfiguration as the ConfigMap embeds it (undefined when it does not parse). */
function proxyConfig(cm: KubeObject): ProxyConfig | undefined {
  const text = asRecord(cm.data)[KEY];
  if (typeof text !== 'string') return undefined;
  const src = sourceOf(cm);
  const pos = positionOf(cm, ['data', KEY]);
  // only a literal block (`config.conf: |`) maps line for line onto the file
  const literal = src !== undefined && pos !== undefined && (src.literalBlocks?.has(pathKey(['data', KEY])) ?? false);
  const parsed = literal ? parseEmbeddedYaml(text, pos.file, pos) : parseYamlText(text, src?.file ?? '<config.conf>');
  const doc = parsed.documents[0];
  if (!doc) return undefined;
  const root = asRecord(doc.value);
  const ipvs = root.ipvs;
  const cfg: ProxyConfig = { mode: root.mode, strictARP: asRecord(ipvs).strictARP, hasIPVS: ipvs !== undefined && ipvs !== null };
  if (literal) {
    cfg.at = (path) => {
      const p = doc.fields.get(pathKey(path));
      return p === undefined ? undefined : { file: pos.file, ...unpackPos(p) };
    };
  }
  return cfg;
}

/**
 * Whether kube-proxy runs at all, as far as the input shows: a kube-proxy-less cluster (Cilium's
 * kube-proxy replacement, kube-router) may keep kubeadm's ConfigMap after kube-proxy was removed.
 */
function kubeProxyGone(state: ClusterState): boolean {
  if (!state.isCaptured('DaemonSet') || !state.isCaptured('Pod', 'kube-system')) return false;
  const isProxy = (o: KubeObject) =>
    o.metadata?.namespace === 'kube-system' &&
    (o.metadata?.labels?.['k8s-app'] === 'kube-proxy' ||
      o.metadata?.labels?.component === 'kube-proxy' ||
      /^kube-proxy($|-)/.test(o.metadata?.name ?? ''));
  if (state.all('DaemonSet').some(isProxy)) return false;
  // static pods (some distributions run kube-proxy so)
  if (state.all('Pod').some(isProxy)) return false;
  return true;
}

function kubeProxyDaemonSet(state: ClusterState): KubeObject | undefined {
  return state.get('DaemonSet', 'kube-system', 'kube-proxy');
}

export default defineRule({
  meta: {
    id: 'kube-proxy-strict-arp',
    severity: 'error',
    category: 'installation',
    evidence: ['api'],
    description:
      'kube-proxy runs in IPVS mode without ipvs.strictARP: true while L2Advertisements exist: every node answers ARP for the Service IPs, not only the node MetalLB elected.',
    fix: `Set ipvs.strictARP: true in the kube-proxy ConfigMap (${FIX_SED}), then restart kube-proxy (${RESTART}).`,
  },
  check({ state, report }) {
    if (!state.isCaptured('ConfigMap', 'kube-system', 'kube-proxy')) return;
    // the ConfigMap may be absent on purpose: kube-proxy-less clusters, or one configured by flags
    const cm = state.get('ConfigMap', 'kube-system', 'kube-proxy');
    if (!cm) return;
    const l2 = state.metallbObjects('L2Advertisement');
    if (l2.length === 0) return;
    const cfg = proxyConfig(cm);
    if (!cfg || cfg.mode !== 'ipvs' || cfg.strictARP === true) return;
    if (kubeProxyGone(state)) return;

    const where = cfg.strictARP === undefined ? (cfg.hasIPVS ? ['ipvs'] : ['mode']) : ['ipvs', 'strictARP'];
    const exact = cfg.at?.(where);
    const first: Subject = exact ? { ...exact, kind: 'ConfigMap', name: 'kube-proxy', namespace: 'kube-system' } : { obj: cm, path: ['data', KEY] };
    const arp =
      cfg.strictARP === undefined
        ? `ipvs.strictARP is not set (kube-proxy's default is false)`
        : `ipvs.strictARP is ${JSON.stringify(cfg.strictARP)}${typeof cfg.strictARP === 'boolean' ? '' : ' (not the boolean true)'}`;
    const names = l2.map((a) => `L2Advertisement "${a.metadata?.name ?? ''}"`);
    const ds = kubeProxyDaemonSet(state);
    const evidence = [
      `ConfigMap kube-system/kube-proxy, ${KEY}: mode: ipvs; ${arp}`,
      `${names.length === 1 ? names[0] : `${names.length} L2Advertisements (${namesText(names, 5)})`}: MetalLB answers ARP for the Service IPs from one elected node`,
    ];
    if (ds) {
      const args = containers(ds).flatMap((c) => asArray(c.command).concat(asArray(c.args)).map(String));
      const config = args.find((a) => a.startsWith('--config'));
      evidence.push(`DaemonSet kube-system/kube-proxy runs${config ? ` with ${config}` : ''}; it reads ${KEY} only when it starts`);
    }
    report({
      message: `kube-proxy runs in IPVS mode and ${arp}: IPVS binds every LoadBalancer IP to the kube-ipvs0 interface of every node, so every node answers ARP for the Service IPs that MetalLB announces in layer 2 mode from one node, and clients reach whichever node answered last`,
      subjects: [first, ...l2.slice(0, 1).map((a) => ({ obj: a }))],
      evidence,
      fix:
        cfg.strictARP === undefined
          ? `Add "strictARP: true" under ipvs: in the kube-proxy ConfigMap (kubectl -n kube-system edit configmap kube-proxy, key ${KEY}), then restart kube-proxy: ${RESTART}.`
          : `Set ipvs.strictARP to true: ${FIX_SED}; then restart kube-proxy: ${RESTART}.`,
    });
  },
});
