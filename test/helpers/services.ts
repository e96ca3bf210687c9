// Service manifests for the allocation rules. Layout (line numbers in tests count from it):
// 1 apiVersion, 2 kind, 3 metadata, 4 name, 5 namespace, 6 annotations: (always, maybe {}),
// then one line per annotation (col 5), then spec:, then the spec fields in the order given.
export interface SvcOpts {
  ns?: string;
  annotations?: Record<string, string>;
  spec?: Record<string, string>;
  status?: string[];
}
export function service(name: string, o: SvcOpts = {}): string {
  const ann = Object.entries(o.annotations ?? {});
  const spec = { type: 'LoadBalancer', ...(o.spec ?? {}) };
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${o.ns ?? 'shop'}
  annotations:${ann.length === 0 ? ' {}' : ''}
${ann.map(([k, v]) => `    ${k}: "${v}"\n`).join('')}spec:
${Object.entries(spec).map(([k, v]) => `  ${k}: ${v}\n`).join('')}  ports:
  - port: 80
${o.status ? `status:\n  loadBalancer:\n    ingress:\n${o.status.map((ip) => `    - ip: ${ip}\n`).join('')}` : ''}`;
}

export function pool(name: string, addresses: string[], extra = ''): string {
  return `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata:
  name: ${name}
  namespace: metallb-system
spec:
  addresses:
${addresses.map((a) => `  - ${a}`).join('\n')}
${extra}`;
}

export const namespace = (name: string, labels = '{}') => `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels: ${labels}
`;

export const docs = (...parts: string[]) => parts.join('---\n');
