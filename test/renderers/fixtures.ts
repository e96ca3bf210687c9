// Hand-built Reports for the renderer tests: a lint run over two files, and a cluster run with gaps.
import type { Finding, Report } from '../../src/report/types.js';
import type { RuleMeta } from '../../src/rules/types.js';
import type { RenderOptions } from '../../src/renderers/options.js';

export const RULES = new Map<string, RuleMeta & { docs: string }>([
  [
    'pool-overlap',
    {
      id: 'pool-overlap',
      severity: 'error',
      category: 'pools',
      evidence: ['files', 'api'],
      description: 'Two IPAddressPools share addresses.',
      fix: 'Make the address ranges of the pools disjoint.',
      docs: 'https://example.test/rules/pool-overlap',
    },
  ],
  [
    'pool-not-advertised',
    {
      id: 'pool-not-advertised',
      severity: 'warning',
      category: 'advertisements',
      evidence: ['files', 'api'],
      description: 'No L2Advertisement or BGPAdvertisement selects the pool.',
      fix: 'Add an advertisement that selects the pool.',
      docs: 'https://example.test/rules/pool-not-advertised',
    },
  ],
  [
    'speaker-not-ready',
    {
      id: 'speaker-not-ready',
      severity: 'critical',
      category: 'installation',
      evidence: ['api'],
      description: 'A speaker pod is not ready.',
      fix: 'Look at the speaker pod events and logs.',
      docs: 'https://example.test/rules/speaker-not-ready',
    },
  ],
  [
    'avoid-buggy-ips-unset',
    {
      id: 'avoid-buggy-ips-unset',
      severity: 'info',
      category: 'pools',
      evidence: ['files'],
      description: 'A /24 IPv4 pool hands out .0 and .255.',
      fix: 'Set avoidBuggyIPs: true if clients mishandle those addresses.',
      docs: 'https://example.test/rules/avoid-buggy-ips-unset',
    },
  ],
]);

export function opts(over: Partial<RenderOptions> = {}): RenderOptions {
  return { color: false, rules: RULES, cwd: '/repo', command: 'lint', ...over };
}

function finding(over: Partial<Finding> & Pick<Finding, 'rule' | 'severity' | 'message'>): Finding {
  const meta = RULES.get(over.rule);
  return { objects: [], evidence: [], fix: meta?.fix ?? '', docs: meta?.docs ?? '', ...over };
}

export function lintReport(): Report {
  return {
    tool: { name: 'metallb-doctor', version: '0.1.0' },
    source: { kind: 'manifests', path: 'config' },
    metallb: { namespace: 'metallb-system', bgpBackend: 'frr-k8s', bgpBackendAssumed: true },
    health: { status: 'error', score: 60 },
    summary: { critical: 0, error: 2, warning: 1, info: 1 },
    checks: [],
    // deliberately out of order: the renderer sorts
    findings: [
      finding({
        rule: 'pool-not-advertised',
        severity: 'warning',
        message: 'IPAddressPool "lab" is not selected by any advertisement',
        objects: [{ kind: 'IPAddressPool', namespace: 'metallb-system', name: 'lab', file: 'config/pools.yaml', line: 14, column: 3 }],
        evidence: ['no L2Advertisement or BGPAdvertisement in metallb-system selects it'],
      }),
      finding({
        rule: 'pool-overlap',
        severity: 'error',
        message: 'IPAddressPool "prod" overlaps "lab" on 192.168.10.0/28',
        objects: [
          { kind: 'IPAddressPool', namespace: 'metallb-system', name: 'prod', file: 'config/pools.yaml', line: 2, column: 5 },
          { kind: 'IPAddressPool', namespace: 'metallb-system', name: 'lab', file: 'config/pools.yaml', line: 14, column: 3 },
        ],
        evidence: ['prod: 192.168.10.0/24', 'lab: 192.168.10.0-192.168.10.15'],
      }),
      finding({
        rule: 'avoid-buggy-ips-unset',
        severity: 'info',
        message: 'IPAddressPool "prod" hands out 192.168.10.0 and 192.168.10.255',
        objects: [{ kind: 'IPAddressPool', namespace: 'metallb-system', name: 'prod', file: 'config/pools.yaml', line: 2, column: 5 }],
      }),
      finding({
        rule: 'pool-overlap',
        severity: 'error',
        message: 'IPAddressPool "edge" overlaps "prod" on 192.168.10.128/25',
        objects: [{ kind: 'IPAddressPool', namespace: 'metallb-system', name: 'edge', file: 'base/edge.yaml', line: 7, column: 1 }],
      }),
    ],
    gaps: [],
    input: { files: 3, objects: 9, skippedNotKubernetes: 1, skippedKinds: { Deployment: 2, ConfigMap: 1 } },
    suppressed: 2,
  };
}

export function clusterReport(): Report {
  return {
    tool: { name: 'metallb-doctor', version: '0.1.0' },
    source: { kind: 'cluster', context: 'kind-lab' },
    metallb: { namespace: 'metallb-system', version: 'v0.15.3', bgpBackend: 'frr', installedBy: 'helm' },
    health: { status: 'critical', score: 20 },
    summary: { critical: 1, error: 0, warning: 0, info: 0 },
    checks: [
      { id: 'crds', status: 'ok', message: 'all MetalLB CRDs installed' },
      { id: 'pods', status: 'critical', message: '1 of 3 speakers not ready' },
    ],
    findings: [
      finding({
        rule: 'speaker-not-ready',
        severity: 'critical',
        message: 'speaker pod speaker-x7k2p on node worker-2 is not ready',
        objects: [{ kind: 'Pod', namespace: 'metallb-system', name: 'speaker-x7k2p' }],
        evidence: ['Ready=False since 2024-05-01T10:00:00Z', 'reason: CrashLoopBackOff'],
      }),
    ],
    gaps: [{ what: 'list bgppeers.metallb.io', why: 'forbidden' }],
  };
}
