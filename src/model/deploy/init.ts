// `init l2` / `init bgp`: a MetalLB deployment folder generated from a few answers. Pure: input in,
// the problems with it or the files out ({ path, text }); the command does the asking and writing.
// Every file is written as text (not through a YAML serialiser) so that each value carries the
// comment that says why it is there.
import { formatCIDR, parseIP, parsePoolEntry, rangeContainsIP, rangesOverlap, formatIP, type CIDR, type PoolEntry } from '../address.js';
import { classifyASN, MAX_2BYTE_ASN } from '../asn.js';
import { parseCommunity } from '../config/communities.js';

/** The newest MetalLB release this version of the tool knows: `init`'s default chart version. */
export const NEWEST_METALLB = '0.16.1';
/**
 * The oldest chart `init` writes for: the first of the 0.14 line in MetalLB's Helm repository
 * (0.14.0 and 0.14.1 were never published as charts: their Chart.yaml says version 0.0.0).
 */
export const OLDEST_METALLB = '0.14.2';
/** Releases of the 0.14 line with no chart in the Helm repository. */
const UNPUBLISHED_CHARTS = ['0.14.0', '0.14.1'];
/** speaker.ignoreExcludeLB first appears in the chart of this release. */
const IGNORE_EXCLUDE_LB_SINCE = '0.14.4';
/** The controller reads metallb.io/* Service annotations from this release (metallb.universe.tf/* only, before). */
const METALLB_IO_ANNOTATIONS_SINCE = '0.14.9';
/** The chart enables FRR mode by default from this release (speaker.frr.enabled: native BGP before). */
const FRR_DEFAULT_SINCE = '0.13.10';
/** The chart defaults to the FRR-K8s backend from this release (FRR mode before). */
const FRR_K8S_DEFAULT_SINCE = '0.16.0';
export const METALLB_HELM_REPO = 'https://metallb.github.io/metallb';
/** The helmwave version the helmwave.yml is written for (helmwave compares it with its own). */
export const HELMWAVE_VERSION = '0.41.1';
export const METALLB_NAMESPACE = 'metallb-system';
const TEST_IMAGE = 'nginx:1.27';
/** The annotation our lint reads to silence a rule on one object (the model does not import the rules). */
const IGNORE_ANNOTATION = 'metallb-doctor.io/ignore';

export type InitMode = 'l2' | 'bgp';

export interface BGPInput {
  myASN: number;
  peerASN: number;
  /** one BGPPeer per router address */
  peerAddresses: string[];
  bfd: boolean;
  /** `A:B`, `large:A:B:C`, or `NAME=VALUE` (an alias, written into a Community object) */
  communities: string[];
}

export interface InitInput {
  mode: InitMode;
  /** IPAddressPool spec.addresses entries: CIDRs or `start-end` ranges */
  addresses: string[];
  poolName: string;
  /** chart version, `X.Y.Z` (a leading v is accepted) */
  chartVersion: string;
  controlPlane: boolean;
  /** the nodes' own addresses: no pool may contain them; BGP routers peer with them */
  nodeAddresses: string[];
  bgp?: BGPInput;
}

export interface GeneratedFile {
  /** relative to the output folder */
  path: string;
  text: string;
}

type Version = [number, number, number];

export function parseVersion(text: string): Version | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function cmpVersion(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

function atLeast(v: Version, text: string): boolean {
  return cmpVersion(v, parseVersion(text)!) >= 0;
}

/** The version without a leading v (the chart's own spelling). */
export function chartVersionOf(text: string): string {
  return text.trim().replace(/^v/, '');
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

interface ParsedCommunity {
  /** what the BGPAdvertisement lists: the value, or the alias name */
  ref: string;
  alias?: { name: string; value: string };
}

function parseCommunityArg(text: string): { ok: true; c: ParsedCommunity } | { ok: false; error: string } {
  const eq = text.indexOf('=');
  if (eq >= 0) {
    const name = text.slice(0, eq);
    const value = text.slice(eq + 1);
    if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*$/.test(name)) return { ok: false, error: `--communities ${text}: the alias name "${name}" must be letters, digits, '-', '_' or '.'` };
    if (parseCommunity(name).ok) return { ok: false, error: `--communities ${text}: the alias name "${name}" reads as a community value itself` };
    const p = parseCommunity(value);
    if (!p.ok) return { ok: false, error: `--communities ${text}: ${p.error}` };
    return { ok: true, c: { ref: name, alias: { name, value } } };
  }
  const p = parseCommunity(text);
  if (!p.ok) return { ok: false, error: `--communities ${text}: ${p.kind === 'format' ? 'expected A:B (two numbers 0-65535), large:A:B:C (three numbers 0-4294967295) or NAME=VALUE' : p.error}` };
  return { ok: true, c: { ref: text } };
}

/**
 * Everything wrong with the input, one sentence each (empty when it can be generated). Checked:
 * the chart version, each address entry as MetalLB parses it, overlaps between entries, node
 * addresses inside the pool, the ASNs (reserved and documentation numbers), the router
 * addresses, and the communities.
 */
export function validateInit(input: InitInput): string[] {
  const problems: string[] = [];
  const version = parseVersion(input.chartVersion);
  if (!version) problems.push(`--chart-version ${input.chartVersion}: expected a release such as ${NEWEST_METALLB}`);
  else {
    if (UNPUBLISHED_CHARTS.includes(version.join('.'))) problems.push(`--chart-version ${input.chartVersion}: MetalLB published no Helm chart for ${version.join('.')} (its Helm repository starts the 0.14 line at ${OLDEST_METALLB}), so helm and helmwave could not install it; use ${OLDEST_METALLB} or newer`);
    else if (!atLeast(version, OLDEST_METALLB)) {
      const nativeBGP = atLeast(version, FRR_DEFAULT_SINCE) ? '' : `; charts before ${FRR_DEFAULT_SINCE} also run native BGP by default (speaker.frr.enabled: false)`;
      problems.push(`--chart-version ${input.chartVersion}: init writes for MetalLB ${OLDEST_METALLB} or newer, the charts its values.yml and checks are written against${nativeBGP}`);
    }
    if (input.controlPlane && !atLeast(version, IGNORE_EXCLUDE_LB_SINCE)) problems.push(`--control-plane needs MetalLB ${IGNORE_EXCLUDE_LB_SINCE} or newer (the chart's speaker.ignoreExcludeLB), not ${input.chartVersion}`);
  }
  if (!DNS1123_LABEL.test(input.poolName) || input.poolName.length > 63) problems.push(`--pool-name ${input.poolName}: expected a Kubernetes name (lower-case letters, digits and '-')`);

  if (input.addresses.length === 0) problems.push('--addresses: at least one range or CIDR is needed');
  const entries: PoolEntry[] = [];
  for (const text of input.addresses) {
    const p = parsePoolEntry(text);
    if (!p.ok) {
      const hint = parseIP(text) ? ` (a single address is written ${text}/${text.includes(':') ? 128 : 32})` : '';
      problems.push(`--addresses ${text}: ${p.error}${hint}`);
    } else if (p.entry.mixedFamilies) problems.push(`--addresses ${text}: the two ends are of different IP families, so MetalLB would take no address from it`);
    else entries.push(p.entry);
  }
  for (let i = 0; i < entries.length; i++) {
    for (let j = 0; j < i; j++) {
      if (rangesOverlap(entries[i]!.range!, entries[j]!.range!)) problems.push(`--addresses ${entries[i]!.text} overlaps ${entries[j]!.text}: MetalLB refuses a pool whose entries overlap`);
    }
  }
  for (const text of input.nodeAddresses) {
    const ip = parseIP(text);
    if (!ip) {
      problems.push(`--node-address ${text}: not an IP address`);
      continue;
    }
    for (const e of entries) if (rangeContainsIP(e.range!, ip)) problems.push(`--addresses ${e.text} contains the node address ${text}: MetalLB would hand it to a Service and the node would lose traffic to it`);
  }

  if (input.mode === 'bgp') {
    const bgp = input.bgp;
    if (!bgp) problems.push('init bgp needs --my-asn, --peer-asn and --peer-address');
    else {
      for (const [flag, asn] of [['--my-asn', bgp.myASN], ['--peer-asn', bgp.peerASN]] as const) {
        const c = classifyASN(asn);
        if (c.kind === 'reserved') problems.push(`${flag} ${asn}: ${c.reason}; use your own ASN or a private one (64512-65534, 4200000000-4294967294)`);
      }
      if (bgp.peerAddresses.length === 0) problems.push('--peer-address: at least one router address is needed');
      const seen = new Set<string>();
      for (const text of bgp.peerAddresses) {
        const ip = parseIP(text);
        if (!ip) {
          problems.push(`--peer-address ${text}: not an IP address`);
          continue;
        }
        const key = `${ip.family}/${ip.value}`;
        if (seen.has(key)) problems.push(`--peer-address ${text}: given twice`);
        seen.add(key);
        for (const e of entries) if (rangeContainsIP(e.range!, ip)) problems.push(`--addresses ${e.text} contains the router address ${text}`);
        for (const n of input.nodeAddresses) if (parseIP(n)?.value === ip.value && parseIP(n)?.family === ip.family) problems.push(`--peer-address ${text} is also given as a --node-address`);
      }
      const names = new Set<string>();
      for (const text of bgp.communities) {
        const r = parseCommunityArg(text);
        if (!r.ok) problems.push(r.error);
        else if (r.c.alias) {
          if (names.has(r.c.alias.name)) problems.push(`--communities ${text}: the alias "${r.c.alias.name}" is defined twice`);
          names.add(r.c.alias.name);
        }
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Generation

const q = (s: string) => JSON.stringify(s);

interface Plan {
  input: InitInput;
  version: Version;
  chart: string;
  entries: PoolEntry[];
  avoidBuggyIPs: boolean;
  peers: { name: string; address: string }[];
  communities: ParsedCommunity[];
}

function plan(input: InitInput): Plan {
  const problems = validateInit(input);
  if (problems.length) throw new Error(`init input is not valid: ${problems[0]}`);
  const entries = input.addresses.map((a) => (parsePoolEntry(a) as { ok: true; entry: PoolEntry }).entry);
  const bgp = input.bgp;
  const peers = (bgp?.peerAddresses ?? []).map((address, i, all) => ({ name: all.length === 1 ? 'router' : `router-${i + 1}`, address }));
  return {
    input,
    version: parseVersion(input.chartVersion)!,
    chart: chartVersionOf(input.chartVersion),
    entries,
    avoidBuggyIPs: hasBuggyIPs(entries),
    peers,
    communities: (bgp?.communities ?? []).map((c) => (parseCommunityArg(c) as { ok: true; c: ParsedCommunity }).c),
  };
}

/** Does an IPv4 entry hand out an address ending in .0 or .255 (which some clients drop)? */
function hasBuggyIPs(entries: PoolEntry[]): boolean {
  return entries.some((e) => {
    if (e.family !== 4 || !e.range) return false;
    const { first, last } = e.range;
    if (last - first >= 255n) return true;
    for (let v = first; v <= last; v++) if ((v & 0xffn) === 0n || (v & 0xffn) === 255n) return true;
    return false;
  });
}

/** The folder's files, in the order a person reads them. Throws when validateInit finds a problem. */
export function generateInit(input: InitInput): GeneratedFile[] {
  const p = plan(input);
  const resources: GeneratedFile[] = [ipAddressPool(p)];
  if (input.mode === 'l2') resources.push(l2Advertisement(p));
  else {
    if (input.bgp!.bfd) resources.push(bfdProfile());
    resources.push(bgpPeers(p));
    if (p.communities.some((c) => c.alias)) resources.push(communityAliases(p));
    resources.push(bgpAdvertisement(p));
  }
  return [
    { path: 'README.md', text: readme(p, resources) },
    namespaceFile(),
    helmwave(p),
    values(p),
    ...resources,
    kustomization(resources),
    testsFile(p),
  ];
}

function header(what: string): string {
  return `# ${what}\n# Written by metallb-doctor init; check it with \`metallb-doctor lint .\` after any change.\n`;
}

function namespaceFile(): GeneratedFile {
  return {
    path: 'namespace.yaml',
    text:
      header("MetalLB's namespace.") +
      `# The speaker runs with hostNetwork and the NET_RAW capability, which Pod Security Admission allows\n` +
      `# only at the privileged level: without these labels a cluster enforcing "baseline" or "restricted"\n` +
      `# refuses the speaker pods. Apply this file before installing MetalLB.\n` +
      `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${METALLB_NAMESPACE}\n  labels:\n` +
      `    pod-security.kubernetes.io/enforce: privileged\n    pod-security.kubernetes.io/audit: privileged\n    pod-security.kubernetes.io/warn: privileged\n`,
  };
}

function helmwave(p: Plan): GeneratedFile {
  return {
    path: 'helmwave.yml',
    text:
      `# The MetalLB Helm release, for helmwave (https://docs.helmwave.app): \`helmwave up --build\`.\n` +
      `# Written by metallb-doctor init.\n` +
      `project: metallb\nversion: ${q(HELMWAVE_VERSION)}\n\n` +
      `repositories:\n  - name: metallb\n    url: ${METALLB_HELM_REPO}\n\n` +
      `releases:\n  - name: metallb\n    namespace: ${METALLB_NAMESPACE}\n    # namespace.yaml adds the Pod Security labels; this only makes sure the namespace exists\n    create_namespace: true\n` +
      `    chart:\n      name: metallb/metallb\n      version: ${q(p.chart)}\n` +
      `    # wait until the controller and the speakers are ready, so the configuration applied next is validated by MetalLB's webhook\n    wait: true\n    timeout: 5m\n    max_history: 3\n` +
      `    values:\n      - values.yml\n`,
  };
}

function values(p: Plan): GeneratedFile {
  const fk8s = atLeast(p.version, FRR_K8S_DEFAULT_SINCE);
  const lines: string[] = [
    `# Helm values for the MetalLB chart ${p.chart}. Every value not written here keeps the chart's default`,
    `# (\`helm show values metallb/metallb --version ${p.chart}\`).`,
    `# Written by metallb-doctor init.`,
    '',
  ];
  if (p.input.mode === 'bgp') {
    lines.push(
      fk8s
        ? `# BGP backend: this chart runs FRR-K8s by default (frrk8s.enabled: true), which BFD, IPv6 pools and\n# the other FRR-only BGPPeer fields need. Keep it.`
        : `# BGP backend: this chart runs MetalLB's FRR mode by default (speaker.frr.enabled: true), which BFD,\n# IPv6 pools and the other FRR-only BGPPeer fields need. Keep it.`,
      '',
    );
  }
  lines.push(
    'crds:',
    '  # install the CRDs (IPAddressPool, L2Advertisement, BGPPeer, ...) with the chart; the files next to',
    '  # this one are of those kinds',
    '  enabled: true',
    '',
    'controller:',
    '  # the controller assigns addresses from the pools to LoadBalancer Services; "debug" to troubleshoot',
    '  logLevel: info',
  );
  if (p.input.controlPlane) lines.push(...placement('controller'), ...controllerToleration());
  lines.push(
    '',
    'speaker:',
    `  # the speakers announce the addresses (${p.input.mode === 'l2' ? 'ARP/NDP replies from one node per Service' : 'BGP sessions from every node to the routers'}); "debug" to troubleshoot`,
    '  logLevel: info',
    '  memberlist:',
    '    # speakers tell each other within seconds when a node fails, so another node takes over its',
    '    # Services (without it, only after the Node object turns NotReady, a minute or more)',
    '    enabled: true',
    '  # tolerate the control-plane NoSchedule taint, so control-plane nodes run a speaker too',
    '  tolerateMaster: true',
  );
  if (p.input.controlPlane) {
    lines.push(
      ...placement('speaker'),
      '  # control-plane nodes usually carry the node.kubernetes.io/exclude-from-external-load-balancers',
      '  # label, which stops a speaker from announcing; the speakers run only there, so ignore it',
      '  ignoreExcludeLB: true',
    );
  }
  return { path: 'values.yml', text: lines.join('\n') + '\n' };
}

function placement(component: string): string[] {
  return [
    `  # --control-plane: run the ${component} only on control-plane nodes`,
    '  affinity:',
    '    nodeAffinity:',
    '      requiredDuringSchedulingIgnoredDuringExecution:',
    '        nodeSelectorTerms:',
    '          - matchExpressions:',
    '              - key: node-role.kubernetes.io/control-plane',
    '                operator: Exists',
  ];
}

function controllerToleration(): string[] {
  return [
    '  # ...and let it schedule there despite the control-plane NoSchedule taint, under both of its names',
    '  # (as speaker.tolerateMaster does: kubeadm taints with node-role.kubernetes.io/master up to 1.24)',
    '  tolerations:',
    ...['master', 'control-plane'].flatMap((role) => [`    - key: node-role.kubernetes.io/${role}`, '      operator: Exists', '      effect: NoSchedule']),
  ];
}

function meta(kind: string, apiVersion: string, name: string, annotations: string[] = []): string {
  const ann = annotations.length ? `  annotations:\n${annotations.map((a) => `    ${a}\n`).join('')}` : '';
  return `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: ${METALLB_NAMESPACE}\n${ann}`;
}

function ipAddressPool(p: Plan): GeneratedFile {
  let text =
    header('The addresses MetalLB hands to LoadBalancer Services.') +
    meta('IPAddressPool', 'metallb.io/v1beta1', p.input.poolName) +
    'spec:\n  addresses:\n' +
    p.entries.map((e) => `    - ${q(e.text)}\n`).join('');
  if (p.avoidBuggyIPs) text += '  # skip the addresses ending in .0 and .255: some clients and routers drop traffic to them\n  avoidBuggyIPs: true\n';
  return { path: 'ipaddresspool.yaml', text };
}

function l2Advertisement(p: Plan): GeneratedFile {
  return {
    path: 'l2advertisement.yaml',
    text:
      header("Announces the pool's addresses on the nodes' LAN: one node answers ARP (IPv4) and NDP (IPv6) for each Service.") +
      meta('L2Advertisement', 'metallb.io/v1beta1', p.input.poolName) +
      `spec:\n  # this pool only (an L2Advertisement naming no pool would announce every pool)\n  ipAddressPools:\n    - ${p.input.poolName}\n`,
  };
}

function bfdProfile(): GeneratedFile {
  return {
    path: 'bfdprofile.yaml',
    text:
      header('BFD: the routers notice a failed node in about a second instead of after the BGP hold time.') +
      meta('BFDProfile', 'metallb.io/v1beta1', 'default') +
      'spec:\n  # milliseconds between BFD packets, each way; the router must accept these intervals\n  receiveInterval: 300\n  transmitInterval: 300\n' +
      '  # the session is down after this many missed packets (here 3 x 300 ms)\n  detectMultiplier: 3\n',
  };
}

function bgpPeers(p: Plan): GeneratedFile {
  const bgp = p.input.bgp!;
  const ibgp = bgp.myASN === bgp.peerASN;
  const fourByte = bgp.myASN > MAX_2BYTE_ASN || bgp.peerASN > MAX_2BYTE_ASN;
  const docs = p.peers.map((peer) => {
    const annotations = fourByte
      ? [`# a 4-byte ASN was chosen on purpose: the router must support 4-byte ASNs (RFC 6793)`, `${IGNORE_ANNOTATION}: bgppeer-4byte-asn`]
      : [];
    return (
      meta('BGPPeer', 'metallb.io/v1beta2', peer.name, annotations) +
      'spec:\n' +
      `  # the AS of the cluster (every node speaks as this AS)\n  myASN: ${bgp.myASN}\n` +
      `  # the router's AS${ibgp ? ' (the same: iBGP)' : ' (eBGP)'}\n  peerASN: ${bgp.peerASN}\n` +
      `  peerAddress: ${q(peer.address)}\n` +
      (bgp.bfd ? '  # fast failure detection (bfdprofile.yaml); the router must run BFD on this session too\n  bfdProfile: default\n' : '')
    );
  });
  return {
    path: 'bgppeers.yaml',
    text: header('The BGP routers every node opens a session with (no nodeSelectors: all nodes).') + docs.join('---\n'),
  };
}

function communityAliases(p: Plan): GeneratedFile {
  const aliases = p.communities.flatMap((c) => (c.alias ? [c.alias] : []));
  return {
    path: 'community.yaml',
    text:
      header('Names for BGP communities, used by the BGPAdvertisement.') +
      meta('Community', 'metallb.io/v1beta1', 'communities') +
      'spec:\n  communities:\n' +
      aliases.map((a) => `    - name: ${q(a.name)}\n      value: ${q(a.value)}\n`).join(''),
  };
}

function bgpAdvertisement(p: Plan): GeneratedFile {
  let text =
    header("Announces the pool's addresses to the routers, one /32 (IPv4) or /128 (IPv6) route per Service address.") +
    meta('BGPAdvertisement', 'metallb.io/v1beta1', p.input.poolName) +
    `spec:\n  # this pool only (a BGPAdvertisement naming no pool would announce every pool)\n  ipAddressPools:\n    - ${p.input.poolName}\n`;
  if (p.communities.length) {
    text += '  # BGP communities attached to the routes (values, or names from community.yaml)\n  communities:\n' + p.communities.map((c) => `    - ${q(c.ref)}\n`).join('');
  }
  return { path: 'bgpadvertisement.yaml', text };
}

function kustomization(resources: GeneratedFile[]): GeneratedFile {
  return {
    path: 'kustomization.yaml',
    text:
      `# MetalLB's configuration: \`kubectl apply -k .\` once MetalLB runs (its webhook checks these objects).\n` +
      `# Written by metallb-doctor init.\n` +
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n` +
      resources.map((r) => `  - ${r.path}\n`).join(''),
  };
}

/**
 * The test Service's IP families, after the pool's: without them the API server gives it the
 * cluster's primary family (IPv4 on most clusters), which an IPv6-only pool cannot serve; a pool of
 * both families asks for both where the cluster has them (and falls back to one where not).
 */
function serviceFamilies(p: Plan): string {
  const families = new Set(p.entries.map((e) => e.family));
  if (families.size === 2) {
    return '  # the pool has IPv4 and IPv6 addresses: both where the cluster is dual-stack, else its one family\n  ipFamilyPolicy: PreferDualStack\n';
  }
  if (!families.has(6)) return '';
  return "  # the pool has IPv6 addresses only: without this the Service is of the cluster's primary family\n  ipFamilyPolicy: SingleStack\n  ipFamilies:\n    - IPv6\n";
}

/** The Service's request for the pool, under the annotation prefix the chart's controller reads. */
function poolAnnotation(p: Plan): string {
  const ask = '    # ask for an address of this pool (without it, any pool with autoAssign would do)\n';
  if (atLeast(p.version, METALLB_IO_ANNOTATIONS_SINCE)) return `${ask}    metallb.io/address-pool: ${p.input.poolName}\n`;
  return (
    `${ask}    # MetalLB ${p.chart} reads only the metallb.universe.tf/ prefix (metallb.io/ from ${METALLB_IO_ANNOTATIONS_SINCE}, which still reads this one)\n` +
    `    metallb.universe.tf/address-pool: ${p.input.poolName}\n` +
    `    # the prefix is deprecated only from ${METALLB_IO_ANNOTATIONS_SINCE}: rename it when you upgrade\n    ${IGNORE_ANNOTATION}: service-deprecated-annotation\n`
  );
}

function testsFile(p: Plan): GeneratedFile {
  return {
    path: 'tests.yaml',
    text:
      header(`A web server behind a LoadBalancer Service: it should get an address from the pool "${p.input.poolName}".`) +
      `# \`kubectl apply -f tests.yaml\`, then \`kubectl get svc nginx\` and \`curl http://<EXTERNAL-IP>\`.\n` +
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx\n  namespace: default\n  labels:\n    app: nginx\n` +
      `spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n` +
      `    spec:\n      containers:\n        - name: nginx\n          image: ${TEST_IMAGE}\n          ports:\n            - containerPort: 80\n              name: http\n` +
      `---\napiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\n  namespace: default\n  annotations:\n${poolAnnotation(p)}` +
      `spec:\n  type: LoadBalancer\n${serviceFamilies(p)}  selector:\n    app: nginx\n  ports:\n    - name: http\n      port: 80\n      targetPort: http\n`,
  };
}

// ---------------------------------------------------------------------------------------------
// README: the commands in order, and for BGP the routers' side

function manifestFile(p: Plan): string {
  if (p.input.mode === 'l2') return 'metallb-native.yaml';
  return atLeast(p.version, FRR_K8S_DEFAULT_SINCE) ? 'metallb-frr-k8s.yaml' : 'metallb-frr.yaml';
}

function readme(p: Plan, resources: GeneratedFile[]): string {
  const i = p.input;
  const mode = i.mode === 'l2' ? 'Layer 2' : 'BGP';
  const out: string[] = [];
  out.push(
    `# MetalLB (${mode}) for this cluster`,
    '',
    `Written by \`metallb-doctor init ${i.mode}\` for MetalLB ${p.chart}. Pool \`${i.poolName}\`: ${p.entries.map((e) => `\`${e.text}\``).join(', ')}.`,
    '',
    '| file | what it is |',
    '|---|---|',
    "| `namespace.yaml` | the `metallb-system` namespace with the Pod Security labels the speaker needs |",
    '| `helmwave.yml` | the MetalLB Helm release (repository, chart version, values) for helmwave |',
    '| `values.yml` | the Helm values, each one commented |',
    ...resources.map((r) => `| \`${r.path}\` | ${describe(r.path)} |`),
    '| `kustomization.yaml` | lists the MetalLB configuration, for `kubectl apply -k .` |',
    '| `tests.yaml` | an nginx Deployment and a LoadBalancer Service to check the result |',
    '',
    '## Install, in this order',
    '',
    '1. The namespace, with its Pod Security labels (before the speakers start):',
    '',
    '   ```sh',
    '   kubectl apply -f namespace.yaml',
    '   ```',
    '',
    '2. MetalLB itself, one of:',
    '',
    '   ```sh',
    '   # helmwave',
    '   helmwave up --build',
    '',
    '   # or Helm',
    `   helm repo add metallb ${METALLB_HELM_REPO}`,
    `   helm upgrade --install metallb metallb/metallb --namespace ${METALLB_NAMESPACE} --version ${p.chart} --values values.yml`,
    '',
    `   # or the release manifest (values.yml does not apply to it${i.controlPlane ? ': the control-plane placement is lost' : ''})`,
    `   kubectl apply -f https://raw.githubusercontent.com/metallb/metallb/v${p.chart}/config/manifests/${manifestFile(p)}`,
    '   ```',
    '',
    '3. Wait for the controller and the speakers:',
    '',
    '   ```sh',
    `   kubectl wait --namespace ${METALLB_NAMESPACE} --for=condition=Ready pod --all --timeout=180s`,
    '   ```',
    '',
    "4. The configuration (MetalLB's webhook checks it as it is applied):",
    '',
    '   ```sh',
    '   metallb-doctor lint .      # optional: the same checks, offline',
    '   kubectl apply -k .',
    '   ```',
    '',
  );
  if (i.mode === 'bgp') out.push('5. Configure the routers (see [The routers\' side](#the-routers-side) below) and check the sessions: `metallb-doctor diag`.', '');
  const n = i.mode === 'bgp' ? 6 : 5;
  out.push(
    `${n}. The test Service:`,
    '',
    '   ```sh',
    '   kubectl apply -f tests.yaml',
    '   kubectl get svc nginx        # EXTERNAL-IP: an address of the pool',
    '   curl http://<EXTERNAL-IP>    # the nginx welcome page',
    '   ```',
    '',
    `   If EXTERNAL-IP stays \`<pending>\` or curl gets no answer: \`metallb-doctor explain service default/nginx\`.`,
    '',
    '## Clean up',
    '',
    '```sh',
    'kubectl delete -f tests.yaml   # the test only',
    '',
    '# everything (or `metallb-doctor uninstall`, which prints the removal plan of what is installed):',
    '# the configuration, the reverse of kustomization.yaml: advertisements first, the pool last',
    ...(i.bgp?.bfd
      ? ["# (not `kubectl delete -k .`: it takes the BFDProfile first, which MetalLB's webhook refuses to delete", '# while a BGPPeer names it)']
      : []),
    `kubectl delete ${[...resources].reverse().map((r) => `-f ${r.path}`).join(' ')}`,
    'helmwave down                  # or: helm uninstall metallb --namespace ' + METALLB_NAMESPACE + ' (or kubectl delete -f of the manifest)',
    'kubectl delete -f namespace.yaml',
    '```',
    '',
  );
  if (i.mode === 'bgp') out.push(...routerSide(p));
  return out.join('\n');
}

function describe(path: string): string {
  switch (path) {
    case 'ipaddresspool.yaml':
      return 'the IPAddressPool: the addresses Services get';
    case 'l2advertisement.yaml':
      return 'the L2Advertisement: announce the pool with ARP/NDP';
    case 'bgppeers.yaml':
      return 'the BGPPeers: the routers every node talks to';
    case 'bfdprofile.yaml':
      return 'the BFDProfile the peers use';
    case 'community.yaml':
      return 'the Community aliases';
    case 'bgpadvertisement.yaml':
      return 'the BGPAdvertisement: announce the pool to the routers';
    default:
      return '';
  }
}

/** The pool as prefixes a router filter accepts (each with any longer prefix: one route per address). */
function poolPrefixes(p: Plan): { family: 4 | 6; prefixes: string[] }[] {
  const out: { family: 4 | 6; prefixes: string[] }[] = [];
  for (const family of [4, 6] as const) {
    const cidrs: CIDR[] = p.entries.filter((e) => e.family === family).flatMap((e) => e.cidrs);
    if (cidrs.length) out.push({ family, prefixes: cidrs.map(formatCIDR) });
  }
  return out;
}

function routerSide(p: Plan): string[] {
  const bgp = p.input.bgp!;
  const ibgp = bgp.myASN === bgp.peerASN;
  const given = p.input.nodeAddresses.map((n) => formatIP(parseIP(n)!));
  const familyOf = (ip: string) => (ip.includes(':') || ip === 'NODE-IPV6' ? 6 : 4);
  const routerFamilies = new Set(p.peers.map((x) => familyOf(x.address)));
  // each node opens a router's session from its own address of the router's family: the node
  // addresses of a family no router has are no neighbours, and a router family with no node
  // address given gets a placeholder to replace
  const missing = given.length ? [...routerFamilies].filter((f) => !given.some((n) => familyOf(n) === f)).sort() : [];
  const nodes = given.length ? [...given.filter((n) => routerFamilies.has(familyOf(n))), ...missing.map((f) => `NODE-IPV${f}`)] : ['NODE-IP'];
  const all = poolPrefixes(p);
  // MetalLB announces a family's addresses over sessions of that family only (unless the BGPPeer
  // sets dualStackAddressFamily), so the routers' filters cover the families they will receive
  const prefixes = all.filter((f) => routerFamilies.has(f.family));
  const unannounced = all.filter((f) => !routerFamilies.has(f.family)).map((f) => `IPv${f.family}`);
  const out: string[] = [
    "## The routers' side",
    '',
    `Each router (${p.peers.map((x) => `\`${x.address}\``).join(', ')}, AS ${bgp.peerASN}) needs every node as a neighbour in AS ${bgp.myASN}` +
      ` (${ibgp ? 'iBGP' : 'eBGP'}), and should accept only the pool's addresses from them.` +
      (given.length ? '' : ' Replace `NODE-IP` with each node\'s address (one neighbour line per node); `metallb-doctor init` writes them for you with `--node-address`.'),
    '',
  ];
  for (const f of missing) {
    const routers = p.peers.filter((x) => familyOf(x.address) === f).map((x) => `\`${x.address}\``);
    out.push(
      `No --node-address of IPv${f} was given, but ${routers.join(', ')} ${routers.length > 1 ? 'are' : 'is'} IPv${f}: each node opens that session from its own IPv${f} address. Replace \`NODE-IPV${f}\` with each node's IPv${f} address (one neighbour line per node), or give them with \`--node-address\`.`,
      '',
    );
  }
  if (unannounced.length) out.push(`The pool's ${unannounced.join(' and ')} addresses have no router of that family to go to: MetalLB announces them over sessions of their own family only. Add a --peer-address of that family to announce them.`, '');
  if (bgp.myASN > MAX_2BYTE_ASN || bgp.peerASN > MAX_2BYTE_ASN) out.push('An ASN above 65535 is a 4-byte ASN: the router must support them (RFC 6793), as current FRR, IOS and Junos releases do.', '');
  if (bgp.bfd) out.push('BFD runs with 300 ms intervals and a multiplier of 3 (bfdprofile.yaml): set the same on the router.', '');

  // FRR
  const frr: string[] = [];
  for (const { family, prefixes: ps } of prefixes) {
    ps.forEach((pre, k) => frr.push(`${family === 6 ? 'ipv6' : 'ip'} prefix-list METALLB-V${family} seq ${(k + 1) * 10} permit ${pre} le ${family === 6 ? 128 : 32}`));
  }
  for (const { family } of prefixes) frr.push(`route-map METALLB-V${family}-IN permit 10`, ` match ${family === 6 ? 'ipv6' : 'ip'} address prefix-list METALLB-V${family}`);
  frr.push(`router bgp ${bgp.peerASN}`);
  for (const n of nodes) {
    frr.push(` neighbor ${n} remote-as ${bgp.myASN}`);
    if (bgp.bfd) frr.push(` neighbor ${n} bfd`);
  }
  for (const { family } of prefixes) {
    frr.push(` address-family ipv${family} unicast`);
    for (const n of nodes) {
      if (n !== 'NODE-IP' && familyOf(n) !== family) continue;
      frr.push(`  neighbor ${n} activate`, `  neighbor ${n} route-map METALLB-V${family}-IN in`);
    }
    frr.push(' exit-address-family');
  }
  out.push('### FRR', '', '```', ...frr, '```', '');

  // Cisco IOS style
  const ios: string[] = [];
  for (const { family, prefixes: ps } of prefixes) {
    ps.forEach((pre, k) => ios.push(`${family === 6 ? 'ipv6' : 'ip'} prefix-list METALLB-V${family} seq ${(k + 1) * 10} permit ${pre} le ${family === 6 ? 128 : 32}`));
  }
  ios.push(`router bgp ${bgp.peerASN}`);
  for (const n of nodes) {
    ios.push(` neighbor ${n} remote-as ${bgp.myASN}`);
    if (bgp.bfd) ios.push(` neighbor ${n} fall-over bfd`);
  }
  for (const { family } of prefixes) {
    ios.push(` address-family ipv${family} unicast`);
    for (const n of nodes) {
      if (familyOf(n) !== family && n !== 'NODE-IP') continue;
      ios.push(`  neighbor ${n} activate`, `  neighbor ${n} prefix-list METALLB-V${family} in`);
    }
    ios.push(' exit-address-family');
  }
  if (bgp.bfd) ios.push('! and on the interface towards the nodes:', 'interface <INTERFACE>', ' bfd interval 300 min_rx 300 multiplier 3');
  out.push('### Cisco IOS style', '', '```', ...ios, '```', '');

  // Junos style
  const filters = prefixes.flatMap(({ prefixes: ps }) => ps.map((pre) => `                route-filter ${pre} orlonger;`));
  const junos: string[] = [
    'routing-options {',
    `    autonomous-system ${bgp.peerASN};`,
    '}',
    'policy-options {',
    '    policy-statement metallb-in {',
    '        term pools {',
    '            from {',
    ...filters,
    '            }',
    '            then accept;',
    '        }',
    '        then reject;',
    '    }',
    '}',
    'protocols {',
    '    bgp {',
    '        group metallb {',
    `            type ${ibgp ? 'internal' : 'external'};`,
    ...(ibgp ? [] : [`            peer-as ${bgp.myASN};`]),
    '            import metallb-in;',
    ...(bgp.bfd ? ['            bfd-liveness-detection {', '                minimum-interval 300;', '                multiplier 3;', '            }'] : []),
    ...nodes.map((n) => `            neighbor ${n};`),
    '        }',
    '    }',
    '}',
  ];
  out.push('### Junos style', '', '```', ...junos, '```', '');
  return out;
}
