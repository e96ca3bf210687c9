// Where a finding points, and the one order findings are reported in (by file, line, column).
import { SEVERITY_RANK, type Finding, type FindingObject } from './types.js';

/** A finding's place in a file: line and column default to 1 when the source gave only the file. */
export interface FilePosition {
  file: string;
  line: number;
  column: number;
}

/** The object a finding is shown at: its first object from a file, else its first object. */
export function headObject(finding: Finding): FindingObject | undefined {
  return finding.objects.find((o) => positionOf(o) !== undefined) ?? finding.objects[0];
}

/** Where the finding's first object from a file is (findings list the object to fix first). */
export function filePosition(finding: Finding): FilePosition | undefined {
  const head = headObject(finding);
  return head ? positionOf(head) : undefined;
}

export function positionOf(obj: FindingObject): FilePosition | undefined {
  if (obj.file === undefined || obj.file === '') return undefined;
  return { file: obj.file, line: positiveOr1(obj.line), column: positiveOr1(obj.column) };
}

function positiveOr1(n: number | undefined): number {
  return n !== undefined && Number.isInteger(n) && n >= 1 ? n : 1;
}

/** `kind/namespace/name`, or `kind/name` for cluster-scoped objects. */
export function objectRef(obj: FindingObject): string {
  return obj.namespace ? `${obj.kind}/${obj.namespace}/${obj.name}` : `${obj.kind}/${obj.name}`;
}

/** Where a finding points, as one greppable token: `file:line:col`, else `kind/namespace/name`, else `-`. */
export function locationLabel(finding: Finding): string {
  const pos = filePosition(finding);
  if (pos) return `${pos.file}:${pos.line}:${pos.column}`;
  const head = headObject(finding);
  return head ? objectRef(head) : '-';
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Findings by file, line, column, then the most severe first; findings without a file come
 * after those with one, by object. Ties fall back to rule id and message so output is stable.
 */
export function compareFindings(a: Finding, b: Finding): number {
  const pa = filePosition(a);
  const pb = filePosition(b);
  if (pa && !pb) return -1;
  if (!pa && pb) return 1;
  if (pa && pb) {
    const c = cmp(pa.file, pb.file) || cmp(pa.line, pb.line) || cmp(pa.column, pb.column);
    if (c) return c;
  } else {
    const c = cmp(locationLabel(a), locationLabel(b));
    if (c) return c;
  }
  return SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || cmp(a.rule, b.rule) || cmp(a.message, b.message);
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

