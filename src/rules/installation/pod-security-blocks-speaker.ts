import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { warningEvents, eventText } from '../../model/pods.js';

const PREFIX = 'pod-security.kubernetes.io/';
const ENFORCE = `${PREFIX}enforce`;
const ENFORCE_VERSION = `${PREFIX}enforce-version`;
const LEVELS = ['privileged', 'baseline', 'restricted'];

/** Capabilities the baseline level lets a container add (Pod Security Standards). */
const BASELINE_CAPS = new Set([
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT',
]);

/**
 * What in the speaker's pod template the baseline level forbids (restricted forbids all of it
 * too). Without the template: what MetalLB's manifests and chart give every speaker.
 */
export function baselineViolations(ds: KubeObject | undefined): string[] {
  if (!ds) return ['hostNetwork=true', 'capability NET_RAW (MetalLB\'s manifests and chart give every speaker both)'];
  const spec = asRecord(asRecord(asRecord(ds.spec).template).spec);
  const out: string[] = [];
  for (const ns of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[ns] === true) out.push(`${ns}=true`);
  const caps = new Set<string>();
  const ports = new Set<string>();
  const privileged: string[] = [];
  for (const raw of [...asArray(spec.initContainers), ...asArray(spec.containers)]) {
    const c = asRecord(raw);
    const sc = asRecord(c.securityContext);
    if (sc.privileged === true) privileged.push(String(c.name ?? ''));
    for (const cap of asArray(asRecord(sc.capabilities).add)) {
      const name = String(cap).replace(/^CAP_/, '');
      if (!BASELINE_CAPS.has(name)) caps.add(name);
    }
    for (const p of asArray(c.ports)) {
      const port = asRecord(p);
      // with hostNetwork the API server sets every hostPort to its containerPort
      const host = typeof port.hostPort === 'number' && port.hostPort > 0 ? port.hostPort : spec.hostNetwork === true ? port.containerPort : undefined;
      if (typeof host === 'number') ports.add(String(host));
    }
  }
  if (privileged.length) out.push(`privileged containers (${privileged.join(', ')})`);
  if (caps.size) out.push(`${caps.size === 1 ? 'capability' : 'capabilities'} ${[...caps].join(', ')}`);
  if (ports.size) out.push(`hostPorts ${[...ports].join(', ')}`);
  if (asArray(spec.volumes).some((v) => asRecord(v).hostPath !== undefined)) out.push('hostPath volumes');
  return out;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** "3 desired, 1 scheduled, 1 ready" from the DaemonSet's status, when it has one. */
function daemonSetCounts(ds: KubeObject): { desired: number; current: number; text: string } | undefined {
  const s = asRecord(ds.status);
  const desired = num(s.desiredNumberScheduled);
  const current = num(s.currentNumberScheduled);
  if (desired === undefined || current === undefined) return undefined;
  const ready = num(s.numberReady);
  return { desired, current, text: `${desired} desired, ${current} current${ready !== undefined ? `, ${ready} ready` : ''}` };
}

/** FailedCreate events of the speaker DaemonSet that name Pod Security. */
function podSecurityEvents(state: ClusterState, ds: KubeObject | undefined): string[] {
  if (!ds) return [];
  return warningEvents(state, ds, 50)
    .filter((e) => e.message.includes('violates PodSecurity'))
    .slice(0, 2)
    .map(eventText);
}

export default defineRule({
  meta: {
    id: 'pod-security-blocks-speaker',
    severity: 'error',
    category: 'installation',
    evidence: ['api'],
    description:
      "MetalLB's namespace enforces a Pod Security level below privileged (pod-security.kubernetes.io/enforce): the API server refuses the speaker pods, which need hostNetwork and the NET_RAW capability.",
    fix: 'kubectl label namespace <metallb-namespace> pod-security.kubernetes.io/enforce=privileged pod-security.kubernetes.io/audit=privileged pod-security.kubernetes.io/warn=privileged --overwrite',
  },
  check({ state, report }) {
    if (!state.isCaptured('Namespace')) return;
    const name = state.metallb.namespace;
    const ns = state.get('Namespace', undefined, name);
    if (!ns) return;
    const labels = asRecord(ns.metadata?.labels);
    if (!Object.prototype.hasOwnProperty.call(labels, ENFORCE)) return; // the cluster default applies: not visible here
    const raw = labels[ENFORCE];
    const value = typeof raw === 'string' ? raw : String(raw);
    // Pod Security Admission reads an unknown level as restricted (it fails closed)
    const valid = LEVELS.includes(value);
    if (value === 'privileged') return;
    const level = valid ? value : 'restricted';

    const speaker = state.metallb.speaker;
    const needs = baselineViolations(speaker);
    const evidence = [`Namespace ${name}: ${ENFORCE}=${JSON.stringify(value)}${valid ? '' : ' (not a level: Pod Security Admission evaluates it as "restricted")'}`];
    const version = labels[ENFORCE_VERSION];
    if (version !== undefined) {
      evidence.push(`${ENFORCE_VERSION}=${JSON.stringify(String(version))}: the ${level} level has forbidden host namespaces and added capabilities since v1.0, so no version admits the speaker`);
    }
    const where = speaker ? `the speaker's pod template (${speaker.kind} "${speaker.metadata?.name ?? ''}")` : "MetalLB's speaker";
    evidence.push(`${where} needs what ${level} forbids: ${needs.join('; ')}`);
    let blocked = '';
    if (speaker) {
      const counts = daemonSetCounts(speaker);
      if (counts) {
        if (counts.current < counts.desired) {
          blocked = `; ${counts.desired - counts.current} of ${counts.desired} speaker pods do not exist`;
          evidence.push(`DaemonSet ${speaker.metadata?.name ?? ''}: ${counts.text}`);
        } else {
          evidence.push(
            `DaemonSet ${speaker.metadata?.name ?? ''}: ${counts.text}: the running pods predate the label (admission checks only new pods); the next speaker pod (a new node, a rollout, an eviction) is refused`,
          );
        }
      }
      evidence.push(...podSecurityEvents(state, speaker));
    }
    for (const mode of ['warn', 'audit']) {
      const v = labels[`${PREFIX}${mode}`];
      if (v !== undefined && v !== 'privileged') evidence.push(`${PREFIX}${mode}=${JSON.stringify(String(v))} (warnings and audit annotations only)`);
    }
    report({
      message: `Namespace ${name} enforces Pod Security level "${level}"${valid ? '' : ` (its label says ${JSON.stringify(value)}, which is no level)`}: the API server refuses MetalLB's speaker pods, which need hostNetwork and raw-socket capabilities that only "privileged" allows, so nodes without a speaker never announce any Service${blocked}`,
      subjects: [{ obj: ns, path: ['metadata', 'labels', ENFORCE] }],
      evidence,
      fix: `kubectl label namespace ${name} ${ENFORCE}=privileged ${PREFIX}audit=privileged ${PREFIX}warn=privileged --overwrite${speaker ? `; the DaemonSet controller then creates the missing speaker pods (kubectl -n ${name} rollout status daemonset ${speaker.metadata?.name ?? 'speaker'})` : ''}. Alternatively exempt the namespace in the API server's PodSecurity AdmissionConfiguration (exemptions.namespaces).`,
    });
  },
});
