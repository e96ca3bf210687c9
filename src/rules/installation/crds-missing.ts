import type { KubeObject, FieldPath } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { METALLB_CRDS, metallbCRDsIn, neededBy, releaseAtLeast, type MetalLBCRD, type Release } from '../../model/crds.js';
import { METALLB_KINDS } from '../../model/kinds.js';
import { containers, parseVersion } from '../../state/installation.js';
import type { ClusterState } from '../../state/cluster-state.js';
import { namesText } from '../../report/text.js';

/** The running MetalLB's release, when its workloads' image tag says it. */
export function runningRelease(state: ClusterState): Release | undefined {
  return parseVersion(state.metallb.version);
}

/** "MetalLB v0.15.2, from the image of Deployment "controller"", or undefined. */
export function versionEvidence(state: ClusterState): string | undefined {
  const { version, controller, speaker } = state.metallb;
  const w = controller ?? speaker;
  if (!version || !w) return undefined;
  return `MetalLB ${version}, from the image of ${w.kind} "${w.metadata?.name ?? ''}"`;
}

/**
 * Where an installation-wide finding points when no object shows the problem: the image of the
 * controller (else the speaker), which names the release; else the first MetalLB object.
 */
export function installationSubject(state: ClusterState): { obj: KubeObject; path?: FieldPath } | undefined {
  for (const [w, image] of [
    [state.metallb.controller, 'metallb/controller'],
    [state.metallb.speaker, 'metallb/speaker'],
  ] as const) {
    if (!w) continue;
    const cs = containers(w);
    const i = cs.findIndex((c) => String(c.image ?? '').includes(image));
    return { obj: w, path: ['spec', 'template', 'spec', 'containers', i < 0 ? 0 : i, ...(i < 0 ? [] : ['image'])] };
  }
  const first = firstMetalLBObject(state);
  return first ? { obj: first } : undefined;
}

function firstMetalLBObject(state: ClusterState): KubeObject | undefined {
  for (const kind of METALLB_KINDS) {
    const o = state.metallbObjects(kind)[0];
    if (o) return o;
  }
  return undefined;
}

/** Is MetalLB in the input at all: its controller or speaker, or any object of group metallb.io? */
export function metallbPresent(state: ClusterState): boolean {
  return !!(state.metallb.controller || state.metallb.speaker || firstMetalLBObject(state));
}

/** How to install (or upgrade) the CRDs of the running release, by how MetalLB was installed. */
export function crdInstallFix(state: ClusterState, upgrade = false): string {
  const { version, installedBy, namespace, bgpBackend } = state.metallb;
  const v = version && parseVersion(version) ? version : undefined;
  const verb = upgrade ? 'Upgrade' : 'Install';
  if (installedBy === 'helm') {
    return `${verb} the CRDs with the chart: helm upgrade <release> metallb/metallb -n ${namespace}${v ? ` --version ${v.replace(/^v/, '')}` : ''} --reuse-values --set crds.enabled=true (the chart's crds subchart holds them; crds.enabled=false leaves them to you).`;
  }
  if (installedBy === 'operator') {
    return "The MetalLB operator installs the CRDs of the release it deploys: check the operator's pod and logs (kubectl get csv,pods -A | grep -i metallb), and reinstall or upgrade the operator.";
  }
  const ssa = `kubectl apply --server-side${upgrade ? ' --force-conflicts' : ''}`;
  const manifest = bgpBackend === 'frr' ? 'metallb-frr.yaml' : bgpBackend === 'frr-k8s' ? 'metallb-frr-k8s.yaml' : 'metallb-native.yaml';
  return v
    ? `${verb} the CRDs of the running release: ${ssa} -k 'github.com/metallb/metallb/config/crd?ref=${v}' (the CRDs alone), or ${ssa} -f https://raw.githubusercontent.com/metallb/metallb/${v}/config/manifests/${manifest} (every CRD, and MetalLB's workloads of that release).`
    : `${verb} the CRDs of the MetalLB release that runs: ${ssa} -k 'github.com/metallb/metallb/config/crd?ref=<version>', or re-apply its config/manifests/metallb-native.yaml (Helm: crds.enabled=true).`;
}

const kindsText = (crds: readonly MetalLBCRD[]) => `${namesText(crds.map((c) => c.kind))} objects`;

/** Where a missing CRD of another project (frr-k8s's FRRConfiguration) comes from. */
function foreignCRDFix(state: ClusterState, missing: readonly MetalLBCRD[]): string {
  const frr = missing.find((c) => c.backend === 'frr-k8s');
  if (!frr) return '';
  const source =
    state.metallb.installedBy === 'helm'
      ? 'the chart installs it with frrk8s.enabled=true (its frr-k8s subchart)'
      : `config/manifests/metallb-frr-k8s.yaml of the release holds it, as does frr-k8s's own manifest (github.com/metallb/frr-k8s)`;
  return ` ${frr.name} belongs to frr-k8s, which the speakers configure in frr-k8s mode (METALLB_BGP_TYPE=frr-k8s), not to MetalLB's CRDs: ${source}.`;
}

export default defineRule({
  meta: {
    id: 'crds-missing',
    severity: 'critical',
    // the catalog's severity first: core CRDs critical, the others warning
    severities: ['critical', 'warning'],
    category: 'installation',
    evidence: ['api'],
    description:
      'MetalLB runs (or its objects exist) but CustomResourceDefinitions of group metallb.io are not installed: IPAddressPool, L2Advertisement or BGPAdvertisement (critical), or another CRD its release needs (warning).',
    fix: "Install the CRDs of the running MetalLB release (Helm: crds.enabled=true; manifests: re-apply the release's config/manifests/metallb-*.yaml).",
  },
  check({ state, report }) {
    if (!state.isCaptured('CustomResourceDefinition')) return;
    // MetalLB <= 0.12 reads a ConfigMap and has no CRDs
    if (state.metallb.configSource === 'configmap') return;
    if (!metallbPresent(state)) return;
    const release = runningRelease(state);
    if (release && !releaseAtLeast(release, [0, 13, 0])) return;
    const subject = installationSubject(state);
    if (!subject) return;

    const installed = metallbCRDsIn(state.all('CustomResourceDefinition'));
    // objects of a kind read from the API prove its CRD exists, whatever the CRD list says
    const absent = (c: MetalLBCRD) => !installed.has(c.name) && state.all(c.kind).length === 0;
    const needed = (c: MetalLBCRD) => neededBy(c, release, state.metallb.bgpBackend);
    const configMissing = METALLB_CRDS.filter((c) => c.role !== 'status' && needed(c) && absent(c));
    if (configMissing.length === 0) return; // status CRDs alone: the CRDs are of an older release (crd-version-outdated)
    const statusMissing = release ? METALLB_CRDS.filter((c) => c.role === 'status' && needed(c) && absent(c)) : [];

    const present = METALLB_CRDS.filter((c) => installed.has(c.name)).map((c) => c.name);
    const running = state.metallb.version && release ? `MetalLB ${state.metallb.version}` : 'MetalLB';
    const evidence = (missing: readonly MetalLBCRD[]) => [
      `not installed: ${missing.map((c) => c.name).join(', ')}`,
      present.length > 0 ? `installed CRDs of group metallb.io: ${present.join(', ')}` : 'no CustomResourceDefinition of group metallb.io is installed',
      ...[versionEvidence(state)].filter((x): x is string => !!x),
    ];
    const fix = crdInstallFix(state);

    const core = configMissing.filter((c) => c.role === 'core');
    if (core.length > 0) {
      report({
        message: `The CustomResourceDefinition${core.length === 1 ? '' : 's'} ${namesText(core.map((c) => c.name))} ${core.length === 1 ? 'is' : 'are'} not installed: ${running} cannot watch ${kindsText(core)}, so its controller and speakers never load a configuration (no Service gets an address, nothing is announced), and the API server refuses to create ${kindsText(core)} ("no matches for kind")`,
        severity: 'critical',
        subjects: [subject],
        evidence: evidence(core),
        fix,
      });
    }
    const others = [...configMissing.filter((c) => c.role === 'config'), ...statusMissing];
    if (others.length > 0) {
      const status = others.filter((c) => c.role === 'status');
      report({
        message: `The CustomResourceDefinition${others.length === 1 ? '' : 's'} ${namesText(others.map((c) => c.name))} ${others.length === 1 ? 'is' : 'are'} not installed: ${running} watches ${others.length === 1 ? 'this kind' : 'these kinds'}${status.length > 0 ? ` (and writes ${kindsText(status)})` : ''}, and its reconcilers cannot start while a watched kind has no CRD; the API server refuses to create ${kindsText(others)}`,
        severity: 'warning',
        subjects: [subject],
        evidence: evidence(others),
        fix: fix + foreignCRDFix(state, others),
      });
    }
  },
});
