// `lint FILES --from SNAPSHOT` asks about the files: findings that concern only the snapshot's own
// objects are not the user's question (diag answers those).
import type { Finding } from './types.js';

/** Keeps findings that name at least one of `files`, or that name no file at all (e.g. pool-missing). */
export function findingsAbout(findings: Finding[], files: ReadonlySet<string>): Finding[] {
  return findings.filter((f) => {
    const located = f.objects.filter((o) => o.file !== undefined);
    return located.length === 0 || located.some((o) => files.has(o.file!));
  });
}
