// Fixtures for the installation rules (crds-missing, crd-version-outdated, config-source-missing,
// config-invalid, metallb-version-known-issue): MetalLB's CRDs as a release deploys them,
// ConfigurationStates, and a locator for file:line:column in a joined text.
import { ALL_KINDS } from './cluster.js';

/** Every kind the bundles of these tests capture, CRDs included. */
export const KINDS_WITH_CRDS = [...ALL_KINDS, 'CustomResourceDefinition'];

export function bundleWith(captured: string[] = KINDS_WITH_CRDS): string {
  return JSON.stringify({ format: 'metallb-doctor-bundle/v1', metallbNamespace: 'metallb-system', captured, gaps: [] });
}

/** Line and column (1-based) of the first occurrence of `needle` after `after` (when given) in `text`. */
export function at(text: string, needle: string, after = ''): { line: number; column: number } {
  const from = after ? text.indexOf(after) : 0;
  if (from < 0) throw new Error(`no "${after}" in the text`);
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`no "${needle}" in the text`);
  const before = text.slice(0, i).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

export interface CRDVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  /** property names of spec and status in the schema; omit for a CRD captured without schemas */
  spec?: string[];
  status?: string[];
}

const KINDS: Record<string, string> = {
  ipaddresspools: 'IPAddressPool',
  l2advertisements: 'L2Advertisement',
  bgpadvertisements: 'BGPAdvertisement',
  bgppeers: 'BGPPeer',
  bfdprofiles: 'BFDProfile',
  communities: 'Community',
  servicel2statuses: 'ServiceL2Status',
  servicebgpstatuses: 'ServiceBGPStatus',
  configurationstates: 'ConfigurationState',
  addresspools: 'AddressPool',
};

const props = (names: string[], indent: string) =>
  names.length === 0 ? `${indent}type: object\n` : `${indent}type: object\n${indent}properties:\n${names.map((n) => `${indent}  ${n}: {}\n`).join('')}`;

/** A CRD of group metallb.io, e.g. crd('bgppeers'), with the given versions (default v1beta1, served and stored). */
export function crd(plural: string, versions: CRDVersion[] = [{ name: 'v1beta1' }]): string {
  const kind = KINDS[plural]!;
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.metallb.io
spec:
  group: metallb.io
  scope: Namespaced
  names:
    kind: ${kind}
    listKind: ${kind}List
    plural: ${plural}
    singular: ${kind.toLowerCase()}
  versions:
${versions
  .map(
    (v, i) => `  - name: ${v.name}
    served: ${v.served ?? true}
    storage: ${v.storage ?? i === versions.length - 1}
${
  v.spec || v.status
    ? `    schema:
      openAPIV3Schema:
        type: object
        properties:
          apiVersion: { type: string }
          kind: { type: string }
${v.spec ? `          spec:\n${props(v.spec, '            ')}` : ''}${v.status ? `          status:\n${props(v.status, '            ')}` : ''}`
    : ''
}`,
  )
  .join('')}`;
}

const BGPPEER_VERSIONS: CRDVersion[] = [
  { name: 'v1beta1', storage: false },
  { name: 'v1beta2', storage: true },
];

/** The CRDs a release deploys (v0.13.x: with the legacy AddressPool), without schemas. */
export function releaseCRDs(release: '0.13' | '0.14.3' | '0.14.6' | '0.15.2' | '0.15.3', except: string[] = []): string[] {
  const plurals = ['bfdprofiles', 'bgpadvertisements', 'bgppeers', 'communities', 'ipaddresspools', 'l2advertisements'];
  if (release === '0.13') plurals.push('addresspools');
  if (release !== '0.13' && release !== '0.14.3') plurals.push('servicel2statuses');
  if (release === '0.15.2' || release === '0.15.3') plurals.push('servicebgpstatuses');
  if (release === '0.15.3') plurals.push('configurationstates');
  return plurals.filter((p) => !except.includes(p)).map((p) => crd(p, p === 'bgppeers' ? BGPPEER_VERSIONS : undefined));
}

export interface StateOpts {
  node?: string;
  result?: string;
  errorSummary?: string;
  /** conditions as YAML items (indented by 4) */
  conditions?: string;
}
/** A ConfigurationState: "controller", or speaker-<node> when `node` is given. */
export function configurationState(o: StateOpts = {}): string {
  const name = o.node ? `speaker-${o.node}` : 'controller';
  return `apiVersion: metallb.io/v1beta1
kind: ConfigurationState
metadata:
  name: ${name}
  namespace: metallb-system
  labels:
    metallb.io/component-type: ${o.node ? 'speaker' : 'controller'}
${o.node ? `    metallb.io/node-name: ${o.node}\n` : ''}status:
${o.result ? `  result: ${o.result}\n` : ''}${o.errorSummary !== undefined ? `  errorSummary: ${JSON.stringify(o.errorSummary)}\n` : ''}${o.conditions ? `  conditions:\n${o.conditions}` : ''}`;
}

/** A configReconcilerValid / poolReconcilerValid condition item. */
export function condition(type: string, ok: boolean, message = '', reason = ok ? 'Reconciled' : 'ConfigurationError'): string {
  return `  - type: ${type}
    status: "${ok ? 'True' : 'False'}"
    reason: ${reason}
    message: ${JSON.stringify(message)}
    lastTransitionTime: "2026-11-20T10:00:00Z"
`;
}
