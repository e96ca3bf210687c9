import type { FieldPath } from '../../sources/types.js';
import { defineRule } from '../types.js';
import {
  CRD_FIELDS,
  METALLB_CRDS,
  crdGroup,
  crdVersions,
  metallbCRDsIn,
  neededBy,
  releaseAtLeast,
  releaseText,
  type MetalLBCRD,
  type Release,
} from '../../model/crds.js';
import { namesText } from '../../report/text.js';
import { crdInstallFix, installationSubject, runningRelease, versionEvidence } from './crds-missing.js';

const earliest = (rs: readonly Release[]): Release => rs.reduce((a, b) => (releaseAtLeast(a, b) ? b : a));

export default defineRule({
  meta: {
    id: 'crd-version-outdated',
    severity: 'warning',
    category: 'installation',
    evidence: ['api'],
    description:
      'The installed MetalLB CRDs are older than the running MetalLB: a CRD does not serve the API version MetalLB reads (BGPPeer v1beta2), lacks schema fields the release uses (the API server drops them), or a status CRD the release writes is missing.',
    fix: 'Upgrade the CRDs to the release that runs (Helm: the chart of that version with crds.enabled=true; manifests: its config/crd or config/manifests/metallb-*.yaml, applied server-side).',
  },
  check({ state, report }) {
    if (!state.isCaptured('CustomResourceDefinition')) return;
    if (state.metallb.configSource !== 'crs') return;
    const release = runningRelease(state);
    // what the CRDs lack is only known against a release
    if (!release || !releaseAtLeast(release, [0, 13, 0])) return;
    const running = `MetalLB ${state.metallb.version}`;
    const installed = metallbCRDsIn(state.all('CustomResourceDefinition'));
    const fix = crdInstallFix(state, true);
    const version = versionEvidence(state);

    for (const c of METALLB_CRDS) {
      const crd = installed.get(c.name);
      if (!crd || !neededBy(c, release, state.metallb.bgpBackend)) continue;
      const versions = crdVersions(crd);
      const problems: string[] = [];
      const evidence: string[] = [];
      let path: FieldPath | undefined;
      const served = versions.filter((v) => v.served).map((v) => v.name);
      evidence.push(`${c.name} serves ${served.length > 0 ? served.join(', ') : 'no version'}${versions.length > served.length ? ` (not served: ${versions.filter((v) => !v.served).map((v) => v.name).join(', ')})` : ''}`);
      const unserved = c.reads.filter((r) => !served.includes(r));
      if (unserved.length > 0) {
        const listed = versions.find((v) => v.name === unserved[0]);
        path = listed ? ['spec', 'versions', listed.index, 'served'] : ['spec', 'versions'];
        problems.push(`it does not serve ${unserved.join(', ')}, the API version ${running} reads ${c.kind} objects in: its reconcilers cannot watch them, so no configuration is loaded, and ${c.kind} objects of apiVersion ${crdGroup(c)}/${unserved[0]} cannot be applied`);
      }
      const missing: { what: string; since: Release }[] = [];
      let missingPart: string | undefined;
      let missingIndex: number | undefined;
      for (const f of CRD_FIELDS) {
        if (f.crd !== c.name || !releaseAtLeast(release, f.since)) continue;
        const v = versions.find((x) => x.name === f.version);
        const props = v?.properties[f.path[0] as 'spec' | 'status'];
        if (!v || !props || props.has(f.path[1])) continue;
        missing.push({ what: `${f.what} (${releaseText(f.since)})`, since: f.since });
        missingPart ??= f.path[0];
        missingIndex ??= v.index;
      }
      if (missing.length > 0) {
        path ??= ['spec', 'versions', missingIndex!, 'schema', 'openAPIV3Schema', 'properties', missingPart!, 'properties'];
        problems.push(
          `its schema lacks ${namesText(missing.map((m) => m.what))}, which ${running} uses: the CRD is older than ${releaseText(earliest(missing.map((m) => m.since)))}, and the API server silently drops unknown fields (pruning), so MetalLB never sees them`,
        );
        evidence.push(`schema fields missing: ${missing.map((m) => m.what).join(', ')}`);
      }
      if (problems.length === 0) continue;
      if (version) evidence.push(version);
      report({
        message: `CustomResourceDefinition ${c.name}: ${problems.join('; ')}`,
        subjects: [{ obj: crd, path }],
        evidence,
        fix,
      });
    }

    // Status CRDs missing while every configuration CRD is installed: the CRD set of an older
    // release (when configuration CRDs are missing too, crds-missing reports them all).
    const absent = (c: MetalLBCRD) => !installed.has(c.name) && state.all(c.kind).length === 0;
    if (METALLB_CRDS.some((c) => c.role !== 'status' && neededBy(c, release, state.metallb.bgpBackend) && absent(c))) return;
    const status = METALLB_CRDS.filter((c) => c.role === 'status' && neededBy(c, release, state.metallb.bgpBackend) && absent(c));
    if (status.length === 0) return;
    const subject = installationSubject(state);
    if (!subject) return;
    const kinds = `${namesText(status.map((c) => c.kind))} objects`;
    report({
      message: `The CustomResourceDefinition${status.length === 1 ? '' : 's'} ${namesText(status.map((c) => c.name))} ${status.length === 1 ? 'is' : 'are'} missing while the other MetalLB CRDs are installed: the CRDs are older than ${releaseText(earliest(status.map((c) => c.needed)))}, but ${running} writes ${kinds}, and its reconcilers that watch them cannot start without the CRD`,
      subjects: [subject],
      evidence: [
        ...status.map((c) => `${c.name}: not installed; ${c.kind} is written since ${releaseText(c.needed)}`),
        `installed CRDs of group metallb.io: ${[...installed.keys()].sort().join(', ')}`,
        ...(version ? [version] : []),
      ],
      fix,
    });
  },
});
