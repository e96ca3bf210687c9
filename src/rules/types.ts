// The rule framework: one module per rule id (src/rules/<category>/<id>.ts), each exporting a Rule.
import type { ClusterState } from '../state/cluster-state.js';
import type { KubeObject, FieldPath } from '../sources/types.js';
import type { Severity } from '../report/types.js';

export type Evidence = 'files' | 'api' | 'logs' | 'net';
export type Category =
  | 'input'
  | 'installation'
  | 'pools'
  | 'advertisements'
  | 'bgp'
  | 'services'
  | 'nodes'
  | 'logs'
  | 'probes';

export interface RuleMeta {
  id: string;
  /** the catalog severity; a rule may report a lower (or, where rules.md says, higher) one */
  severity: Severity;
  /**
   * every severity the rule can report: the catalog's first, then the others (rules.md lets a rule
   * lower its severity where the condition hurts nothing yet, and names the few that raise it)
   */
  severities?: Severity[];
  category: Category;
  evidence: Evidence[];
  /** one line: what the rule detects */
  description: string;
  /** default remedy; a finding may carry a more specific one */
  fix: string;
  /** a rule of our own, not in the catalog of shared/spec/rules.md */
  new?: true;
}

/** An object a finding is about, and optionally the field to point at. */
export type Subject =
  | { obj: KubeObject; path?: FieldPath }
  | { file: string; line: number; column: number; kind?: string; name?: string; namespace?: string };

export interface FindingInput {
  message: string;
  severity?: Severity;
  subjects: Subject[];
  evidence?: string[];
  fix?: string;
}

export interface RuleOptions {
  /** BGP backend MetalLB runs with (found in the state, else --bgp-backend) */
  bgpBackend: 'native' | 'frr' | 'frr-k8s';
}

export interface RuleContext {
  readonly state: ClusterState;
  readonly options: RuleOptions;
  report(finding: FindingInput): void;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

/** Typed helper so rule modules read alike: `export default defineRule({ meta, check })`. */
export function defineRule(rule: Rule): Rule {
  return rule;
}
