// The report contract of cli.md ("JSON report"). Renderers read it; they never decide verdicts.

export type Severity = 'critical' | 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['critical', 'error', 'warning', 'info'];
export const SEVERITY_RANK: Record<Severity, number> = { critical: 3, error: 2, warning: 1, info: 0 };

export interface FindingObject {
  kind: string;
  namespace?: string;
  name: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  objects: FindingObject[];
  evidence: string[];
  fix: string;
  docs: string;
}

export type HealthStatus = 'healthy' | 'warning' | 'error' | 'critical';
export type CheckStatus = 'ok' | 'info' | 'warning' | 'error' | 'critical';

export interface Check {
  id: string;
  status: CheckStatus;
  message: string;
}

export interface Report {
  tool: { name: 'metallb-doctor'; version: string };
  source: { kind: 'cluster' | 'snapshot' | 'manifests'; context?: string; path?: string };
  metallb: {
    namespace: string;
    version?: string;
    bgpBackend?: 'native' | 'frr' | 'frr-k8s';
    /** true when the backend was not found in the input but assumed (lint's --bgp-backend default) */
    bgpBackendAssumed?: boolean;
    installedBy?: 'helm' | 'manifests' | 'operator';
  };
  health: { status: HealthStatus; score: number };
  summary: { critical: number; error: number; warning: number; info: number };
  checks: Check[];
  findings: Finding[];
  gaps: { what: string; why: string }[];
  /** what was read: files, objects by kind, and what was skipped */
  input?: {
    files: number;
    objects: number;
    skippedNotKubernetes: number;
    skippedKinds: Record<string, number>;
  };
  /** findings dropped by --disable or the metallb-doctor.io/ignore annotation */
  suppressed?: number;
}
