// `lint FILES --from SNAPSHOT` asks about the files: findings that concern only the snapshot's own
// objects are not the user's question (diag answers those).
import type { Finding } from './types.js';

/** `Kind/namespace/name` of a finding's object, as clusterOnly holds them. */
export const objectKey = (o: { kind: string; namespace?: string; name: string }): string => `${o.kind}/${o.namespace ?? ''}/${o.name}`;

/**
 * Keeps findings that name at least one of `files`, or that name no file at all (e.g. pool-missing).
 * Objects of a live cluster have no file: `clusterOnly` names those (that the files do not replace),
 * so that a finding about them alone is the cluster's, as one about a snapshot's files is.
 */
export function findingsAbout(findings: Finding[], files: ReadonlySet<string>, clusterOnly: ReadonlySet<string> = new Set()): Finding[] {
  return findings.filter((f) => {
    const located = f.objects.filter((o) => o.file !== undefined || clusterOnly.has(objectKey(o)));
    return located.length === 0 || located.some((o) => o.file !== undefined && files.has(o.file));
  });
}
