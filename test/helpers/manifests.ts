// Manifests the tests write again and again; line numbers in tests count from these layouts.
import { metallbPeer } from './network.js';

/** An IPAddressPool; its addresses entries start on line 8 (7 with no namespace). */
export function ipAddressPool(name: string, namespace: string | undefined, ...addresses: string[]): string {
  return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ${name}
${namespace ? `  namespace: ${namespace}\n` : ''}spec:
  addresses:
${addresses.map((a) => `  - ${a}`).join('\n')}
`;
}

/**
 * A legacy (<= 0.12) configuration: pool "default" 192.168.1.0/24 (line 12), pool "extra" with
 * 192.168.1.100-192.168.1.110 (line 16, overlapping "default") and a bare 10.0.0.1 (line 17).
 */
export const LEGACY_CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: config
  namespace: metallb-system
data:
  config: |
    address-pools:
    - name: default
      protocol: layer2
      addresses:
      - 192.168.1.0/24
    - name: extra
      protocol: layer2
      addresses:
      - 192.168.1.100-192.168.1.110
      - 10.0.0.1
`;

/** MetalLB's controller Deployment as the raw manifests deploy it, with extra container args. */
export function metallbController(o: { tag?: string; args?: string[] } = {}): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: controller
  namespace: metallb-system
  labels: { app: metallb, component: controller }
spec:
  selector: { matchLabels: { app: metallb, component: controller } }
  template:
    metadata:
      labels: { app: metallb, component: controller }
    spec:
      containers:
      - name: controller
        image: quay.io/metallb/controller:${o.tag ?? 'v0.14.8'}
${o.args?.length ? `        args:\n${o.args.map((a) => `        - ${a}`).join('\n')}\n` : ''}`;
}

/** A BGPPeer at 10.0.0.1 with the ASN fields given as `key: value` pairs, comma-separated. */
export function bgpPeerWithASNs(name: string, asns: string): string {
  const fields = asns.split(',').map((a) => a.trim().split(/:\s*/) as [string, string]);
  return metallbPeer(name, { peerAddress: '10.0.0.1', ...Object.fromEntries(fields) });
}

/** Service shop/web of type LoadBalancer with the given annotation lines (they start on line 7) and extra spec lines. */
export function annotatedService(annotations: string[], extraSpec = ''): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  annotations:
${annotations.map((a) => `    ${a}`).join('\n')}
spec:
  type: LoadBalancer
${extraSpec}  ports:
  - port: 80
`;
}
