// Turns findings and the state into the report of cli.md: health, score, summary, checks.
import type { ClusterState } from '../state/cluster-state.js';
import type { Rule } from '../rules/types.js';
import type { Check, CheckStatus, Finding, HealthStatus, Report, Severity } from './types.js';
import { SEVERITY_RANK } from './types.js';
import { VERSION } from '../version.js';

export interface BuildInput {
  state: ClusterState;
  findings: Finding[];
  rules: readonly Rule[];
  suppressed: number;
  bgpBackend: 'native' | 'frr' | 'frr-k8s';
  bgpBackendAssumed: boolean;
  /** the gaps that matter for this command (default: all of the state's) */
  gaps?: Report['gaps'];
}

// Each finding takes a share of what is left: the score says "how far from healthy" at a glance
// without reaching 0 for a cluster that mostly works; health says the worst.
const KEEP: Record<Severity, number> = { critical: 0.5, error: 0.85, warning: 0.95, info: 1 };

export function summarize(findings: readonly Finding[]): Report['summary'] {
  const s = { critical: 0, error: 0, warning: 0, info: 0 };
  for (const f of findings) s[f.severity]++;
  return s;
}

export function healthOf(summary: Report['summary']): Report['health'] {
  const status: HealthStatus = summary.critical
    ? 'critical'
    : summary.error
      ? 'error'
      : summary.warning
        ? 'warning'
        : 'healthy';
  let score = 100;
  for (const sev of ['critical', 'error', 'warning', 'info'] as const) score *= KEEP[sev] ** summary[sev];
  return { status, score: Math.round(score) };
}

function worst(findings: readonly Finding[]): CheckStatus {
  let best: Severity | undefined;
  for (const f of findings) if (!best || SEVERITY_RANK[f.severity] > SEVERITY_RANK[best]) best = f.severity;
  return best ?? 'ok';
}

export function buildReport(input: BuildInput): Report {
  const { state, findings } = input;
  const summary = summarize(findings);
  const byRule = new Map(input.rules.map((r) => [r.meta.id, r.meta.category]));
  const categories = [...new Set(input.rules.map((r) => r.meta.category))];
  const checks: Check[] = categories.map((cat) => {
    const fs = findings.filter((f) => byRule.get(f.rule) === cat);
    const status = worst(fs);
    return { id: cat, status, message: fs.length ? `${fs.length} finding${fs.length > 1 ? 's' : ''}` : 'no findings' };
  });
  const m = state.metallb;
  return {
    tool: { name: 'metallb-doctor', version: VERSION },
    source: { kind: state.sourceKind, ...(state.sourcePath ? { path: state.sourcePath } : {}) },
    metallb: {
      namespace: m.namespace,
      ...(m.version ? { version: m.version } : {}),
      bgpBackend: input.bgpBackend,
      ...(input.bgpBackendAssumed ? { bgpBackendAssumed: true } : {}),
      ...(m.installedBy ? { installedBy: m.installedBy } : {}),
    },
    health: healthOf(summary),
    summary,
    checks,
    findings,
    gaps: input.gaps ?? [...state.gaps],
    input: {
      files: state.files,
      objects: state.objects.length,
      skippedNotKubernetes: state.skippedNotKubernetes,
      skippedKinds: Object.fromEntries([...state.skippedKinds].sort()),
    },
    suppressed: input.suppressed,
  };
}

export type FailOn = 'critical' | 'error' | 'warning' | 'never';

/** cli.md: 0 nothing worse than info, 1 worst is a warning, 2 error or critical; --fail-on moves the bar. */
export function exitCodeFor(summary: Report['summary'], failOn: FailOn = 'warning'): 0 | 1 | 2 {
  if (failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[failOn];
  if (summary.critical && SEVERITY_RANK.critical >= threshold) return 2;
  if (summary.error && SEVERITY_RANK.error >= threshold) return 2;
  if (summary.warning && SEVERITY_RANK.warning >= threshold) return 1;
  return 0;
}
