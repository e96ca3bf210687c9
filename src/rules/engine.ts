// Runs rules over a state and turns what they report into findings with positions,
// applying suppressions (--disable and the metallb-doctor.io/ignore annotation).
import type { ClusterState } from '../state/cluster-state.js';
import type { Finding, FindingObject } from '../report/types.js';
import { positionOf, sourceOf } from '../sources/types.js';
import type { FindingInput, Rule, RuleOptions, Subject } from './types.js';
import { docsPath } from './docs.js';
import { sortFindings } from '../report/order.js';

export const IGNORE_ANNOTATION = 'metallb-doctor.io/ignore';

export interface RunOptions extends RuleOptions {
  /** rule ids disabled with --disable ("*" disables all) */
  disabled?: ReadonlySet<string>;
}

export interface RunResult {
  findings: Finding[];
  suppressed: number;
  /** rules that crashed: reported as the tool's own errors, the others still run */
  errors: { rule: string; message: string; stack?: string }[];
}

export function runRules(rules: readonly Rule[], state: ClusterState, opts: RunOptions): RunResult {
  const findings: Finding[] = [];
  const errors: RunResult['errors'] = [];
  let suppressed = 0;
  for (const rule of rules) {
    const id = rule.meta.id;
    if (opts.disabled?.has(id) || opts.disabled?.has('*')) continue;
    const report = (input: FindingInput) => {
      if (input.subjects.some((s) => 'obj' in s && ignores(s.obj.metadata?.annotations, id))) {
        suppressed++;
        return;
      }
      findings.push(toFinding(rule, input));
    };
    try {
      rule.check({ state, options: opts, report });
    } catch (e) {
      const err = e as Error;
      errors.push({ rule: id, message: err?.message ?? String(e), stack: err?.stack });
    }
  }
  return { findings: sortFindings(findings), suppressed, errors };
}

function ignores(annotations: Record<string, string> | undefined, id: string): boolean {
  const v = annotations?.[IGNORE_ANNOTATION];
  if (typeof v !== 'string') return false;
  return v.split(',').some((s) => {
    const t = s.trim();
    return t === id || t === '*';
  });
}

function toFinding(rule: Rule, input: FindingInput): Finding {
  return {
    rule: rule.meta.id,
    severity: input.severity ?? rule.meta.severity,
    message: input.message,
    objects: input.subjects.map(subjectToObject),
    evidence: input.evidence ?? [],
    fix: input.fix ?? rule.meta.fix,
    docs: docsPath(rule.meta.id),
  };
}

function subjectToObject(s: Subject): FindingObject {
  if (!('obj' in s)) return { kind: s.kind ?? 'File', name: s.name ?? s.file, ...(s.namespace ? { namespace: s.namespace } : {}), file: s.file, line: s.line, column: s.column };
  const o = s.obj;
  const out: FindingObject = { kind: o.kind, name: o.metadata?.name ?? o.metadata?.generateName ?? '' };
  if (o.metadata?.namespace) out.namespace = o.metadata.namespace;
  const pos = sourceOf(o) ? positionOf(o, s.path ?? []) : undefined;
  if (pos) Object.assign(out, { file: pos.file, line: pos.line, column: pos.column });
  return out;
}

