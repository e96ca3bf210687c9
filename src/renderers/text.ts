// The lint-style text report: one greppable `file:line:col severity message rule-id` line per
// finding, then a short summary (counts, what was read, what could not be seen).
import type { CheckStatus, Finding, Report, Severity } from '../report/types.js';
import { headObject, locationLabel, objectRef, oneLine, plural, positionOf, sortFindings } from './common.js';
import { painter, SEVERITY_STYLE, type Paint, type RenderOptions, type Style } from './options.js';

const SEVERITY_WIDTH = 'critical'.length;
// Messages are padded so rule ids line up, but one long message must not push every line right.
const MESSAGE_PAD_LIMIT = 72;

const CHECK_STYLE: Record<CheckStatus, Style[]> = { ok: ['green'], ...SEVERITY_STYLE };

export function renderText(report: Report, opts: RenderOptions): string {
  const paint = painter(opts.color);
  const lines: string[] = [];
  // lint is a linter's output (findings, then a summary); health reports open with the checks block
  if (!opts.quiet && opts.command !== 'lint' && report.checks.length > 0) lines.push(...checksBlock(report, paint), '');
  lines.push(...findingLines(report.findings, opts, paint));
  if (opts.quiet) {
    // cli.md: a report with gaps says so in text output too, so gaps survive --quiet.
    lines.push(...gapLines(report, paint));
  } else {
    if (report.findings.length > 0) lines.push('');
    lines.push(...summaryLines(report, paint));
  }
  return lines.length > 0 ? lines.join('\n') + '\n' : '';
}

function checksBlock(report: Report, paint: Paint): string[] {
  const m = report.metallb;
  const backend = m.bgpBackend ? ` (BGP backend ${m.bgpBackend})` : '';
  const health = paint(`${report.health.status} (score ${report.health.score})`, ...healthStyle(report.health.status));
  const out = [`MetalLB ${m.version ?? '(version unknown)'} in ${m.namespace}${backend}: health ${health}`];
  const idWidth = Math.max(...report.checks.map((c) => c.id.length));
  for (const c of report.checks) {
    const status = paint(c.status.padEnd(SEVERITY_WIDTH), ...CHECK_STYLE[c.status]);
    out.push(`  ${c.id.padEnd(idWidth)}  ${status}  ${oneLine(c.message)}`);
  }
  return out;
}

export function healthStyle(status: Report['health']['status']): Style[] {
  return status === 'healthy' ? ['green'] : SEVERITY_STYLE[status];
}

function findingLines(findings: readonly Finding[], opts: RenderOptions, paint: Paint): string[] {
  const sorted = sortFindings(findings);
  const locations = sorted.map(locationLabel);
  const messages = sorted.map((f) => oneLine(f.message));
  const locWidth = Math.max(0, ...locations.map((l) => l.length));
  const msgWidth = Math.min(MESSAGE_PAD_LIMIT, Math.max(0, ...messages.map((m) => m.length)));
  const out: string[] = [];
  sorted.forEach((f, i) => {
    const sev = paint(f.severity.padEnd(SEVERITY_WIDTH), ...SEVERITY_STYLE[f.severity]);
    out.push(`${locations[i]!.padEnd(locWidth)}  ${sev}  ${messages[i]!.padEnd(msgWidth)}  ${paint(f.rule, 'dim')}`);
    if (opts.verbose) out.push(...detailLines(f, paint));
  });
  return out;
}

// Evidence first (what was seen), then the other objects involved, the fix and the docs page.
export function detailLines(f: Finding, paint: Paint): string[] {
  const indent = '    ';
  const out: string[] = [];
  for (const e of f.evidence) for (const l of e.split(/\r?\n/)) out.push(indent + l);
  const head = headObject(f);
  for (const o of f.objects) {
    if (o === head) continue; // already on the finding's line
    const pos = positionOf(o);
    const label = pos ? `${pos.file}:${pos.line}:${pos.column} (${objectRef(o)})` : objectRef(o);
    out.push(`${indent}${paint('also:', 'dim')} ${label}`);
  }
  if (f.fix) out.push(`${indent}${paint('fix:', 'dim')} ${oneLine(f.fix)}`);
  if (f.docs) out.push(`${indent}${paint('docs:', 'dim')} ${f.docs}`);
  return out;
}

function summaryLines(report: Report, paint: Paint): string[] {
  const out: string[] = [];
  const s = report.summary;
  const total = s.critical + s.error + s.warning + s.info;
  if (total === 0) {
    out.push(paint('no problems', 'green'));
  } else {
    const worst: Severity = s.critical ? 'critical' : s.error ? 'error' : s.warning ? 'warning' : 'info';
    const counts = `${s.critical} critical, ${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${s.info} info`;
    out.push(paint(`${plural(total, 'problem')} (${counts})`, ...SEVERITY_STYLE[worst], 'bold'));
  }
  if (report.input) out.push(...inputLines(report.input));
  out.push(...gapLines(report, paint));
  if (report.suppressed) {
    out.push(`${plural(report.suppressed, 'finding')} suppressed (--disable or the metallb-doctor.io/ignore annotation)`);
  }
  if (report.metallb.bgpBackendAssumed && report.metallb.bgpBackend) {
    out.push(`assumed BGP backend: ${report.metallb.bgpBackend} (set --bgp-backend to change)`);
  }
  return out;
}

export function inputLines(input: NonNullable<Report['input']>): string[] {
  const out = [`read ${plural(input.files, 'file')}, ${plural(input.objects, 'object')}`];
  const skipped: string[] = [];
  if (input.skippedNotKubernetes) skipped.push(`${plural(input.skippedNotKubernetes, 'file')} with no Kubernetes objects`);
  const kinds = Object.entries(input.skippedKinds).filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (kinds.length > 0) {
    const n = kinds.reduce((sum, [, k]) => sum + k, 0);
    skipped.push(`${plural(n, 'object')} of kinds not checked (${kinds.map(([k, c]) => `${k} ${c}`).join(', ')})`);
  }
  if (skipped.length > 0) out.push(`skipped ${skipped.join(', ')}`);
  return out;
}

export function gapLines(report: Report, paint: Paint): string[] {
  return report.gaps.map((g) => paint(`could not see: ${oneLine(g.what)}${g.why ? ` (${oneLine(g.why)})` : ''}`, 'yellow'));
}
