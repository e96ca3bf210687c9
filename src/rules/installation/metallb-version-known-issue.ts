import { defineRule } from '../types.js';
import { knownIssuesOf } from '../../model/known-issues.js';
import { releaseText } from '../../model/crds.js';
import { runningRelease, versionEvidence } from './crds-missing.js';

export default defineRule({
  meta: {
    id: 'metallb-version-known-issue',
    severity: 'warning',
    category: 'installation',
    evidence: ['api'],
    description:
      'The running MetalLB release has a known defect (fixed or reverted in a later release) and this cluster has what the defect needs to bite.',
    fix: 'Upgrade MetalLB to the release that fixes the defect (each finding names it), or apply the workaround it gives.',
  },
  check({ state, report }) {
    const release = runningRelease(state);
    if (!release) return;
    const version = versionEvidence(state);
    for (const issue of knownIssuesOf(release)) {
      const matches = issue.matches(state);
      if (matches.length === 0) continue;
      report({
        message: `MetalLB ${state.metallb.version} has a known defect (${issue.id}, ${issue.releases}, fixed in ${releaseText(issue.fixed)}) that applies here: ${issue.summary}`,
        subjects: matches.map((m) => ({ obj: m.obj, path: m.path })),
        evidence: [...matches.slice(0, 10).map((m) => m.fact), ...(matches.length > 10 ? [`and ${matches.length - 10} more`] : []), ...(version ? [version] : []), `fix: ${issue.link}`],
        fix: issue.fix,
      });
    }
  },
});
