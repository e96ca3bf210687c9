import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { METALLB_GROUP } from '../../model/kinds.js';
import { eventText, metallbPods, podDetail, podProblem, podSelectorText, podsOf, podViewOf, warningEvents, type PodView } from '../../model/pods.js';
import { namesText } from '../../report/text.js';

export interface InstallEvidence {
  obj: KubeObject;
  text: string;
}

const STATUS_KINDS = ['ServiceL2Status', 'ServiceBGPStatus', 'ConfigurationState'];

/**
 * What shows that MetalLB is installed, apart from the component asked about: the other
 * component's workload or pods, MetalLB's CRDs, the status objects MetalLB writes, its webhook
 * configuration. Configuration objects alone do not count: manifests or a snapshot of the
 * configuration say nothing about what runs.
 */
export function installationEvidence(state: ClusterState, missing: 'controller' | 'speaker'): InstallEvidence[] {
  const out: InstallEvidence[] = [];
  const other = missing === 'controller' ? state.metallb.speaker : state.metallb.controller;
  if (other) out.push({ obj: other, text: `the ${missing === 'controller' ? 'speaker' : 'controller'} ${other.kind} ${other.metadata?.namespace ?? state.metallb.namespace}/${other.metadata?.name ?? ''}` });
  else if (state.isCaptured('Pod', state.metallb.namespace)) {
    const pods = metallbPods(state, missing === 'controller' ? 'speaker' : 'controller');
    if (pods.length > 0) out.push({ obj: pods[0]!, text: `${pods.length} MetalLB ${missing === 'controller' ? 'speaker' : 'controller'} pod(s), e.g. ${pods[0]!.metadata?.name ?? ''}` });
  }
  const crds = state.all('CustomResourceDefinition').filter((c) => asRecord(c.spec).group === METALLB_GROUP);
  if (crds.length > 0) out.push({ obj: crds[0]!, text: `${crds.length} MetalLB CRD(s): ${namesText(crds.map((c) => c.metadata?.name ?? ''), 4)}` });
  for (const kind of STATUS_KINDS) {
    const objs = state.metallbObjects(kind);
    if (objs.length > 0) out.push({ obj: objs[0]!, text: `${objs.length} ${kind} object(s), which only MetalLB writes` });
  }
  const hooks = state.all('ValidatingWebhookConfiguration').filter((w) => asArray(w.webhooks).some((h) => String(asRecord(h).name ?? '').endsWith(`.${METALLB_GROUP}`)));
  if (hooks.length > 0) out.push({ obj: hooks[0]!, text: `MetalLB's ValidatingWebhookConfiguration ${hooks[0]!.metadata?.name ?? ''}` });
  return out;
}

/** What stops when the controller does not run (metallb-semantics.md 3, 1.9, 2.6). */
const CONSEQUENCE =
  'MetalLB assigns no addresses (new LoadBalancer Services stay <pending>, pool changes are not applied), and its validating webhook does not answer, so with failurePolicy Fail every change to MetalLB objects is refused';

/** Pod lines, at most `max`, and the Warning events of the first few pods. */
export function podEvidence(state: ClusterState, views: readonly PodView[], max = 10): string[] {
  const lines = views.slice(0, max).map(podDetail);
  if (views.length > max) lines.push(`and ${views.length - max} more pod(s)`);
  for (const v of views.slice(0, 3)) for (const e of warningEvents(state, v.pod, 2)) lines.push(`${v.name}: ${eventText(e)}`);
  return lines;
}

/** The pod whose state tells most: not being deleted, then the newest. */
function mostTelling(views: readonly PodView[]): PodView {
  return [...views].sort((a, b) => Number(a.terminating) - Number(b.terminating) || String(b.pod.metadata?.creationTimestamp ?? '').localeCompare(String(a.pod.metadata?.creationTimestamp ?? '')))[0]!;
}

function replicasOf(dep: KubeObject): number {
  const r = asRecord(dep.spec).replicas;
  return typeof r === 'number' ? r : 1;
}

export default defineRule({
  meta: {
    id: 'controller-unavailable',
    severity: 'critical',
    category: 'installation',
    evidence: ['api'],
    description: "MetalLB's controller Deployment or its pod is missing or not ready: no address is assigned and the webhook refuses every configuration change.",
    fix: 'Find out why the controller pod does not run (kubectl -n metallb-system describe pod -l app.kubernetes.io/component=controller, or -l component=controller with the manifests; kubectl -n metallb-system logs deploy/metallb-controller --previous, deploy/controller with the manifests) and fix that (image, Secret, resources, scheduling); reinstall MetalLB if the Deployment is gone.',
  },
  check({ state, report }) {
    const depCaptured = state.isCaptured('Deployment');
    const podCaptured = state.isCaptured('Pod', state.metallb.namespace);
    if (!depCaptured && !podCaptured) return;
    const ns = state.metallb.namespace;
    const dep = depCaptured ? state.metallb.controller : undefined;
    const pods = podCaptured ? (dep ? podsOf(state, dep) : metallbPods(state, 'controller')) : undefined;
    const depName = dep ? `${dep.metadata?.namespace ?? ns}/${dep.metadata?.name ?? ''}` : '';

    if (!dep && (!pods || pods.length === 0)) {
      const evidence = installationEvidence(state, 'controller');
      if (evidence.length === 0) return;
      const what = depCaptured ? 'no controller Deployment exists' : 'no controller pod exists';
      report({
        message: `MetalLB is installed (${evidence[0]!.text}) but ${what}: ${CONSEQUENCE}`,
        subjects: [{ obj: evidence[0]!.obj, path: ['metadata', 'name'] }],
        evidence: [
          ...evidence.map((e) => `installed: ${e.text}`),
          depCaptured
            ? `no Deployment is MetalLB's controller (labels app=metallb,component=controller or app.kubernetes.io/component=controller, or image metallb/controller)`
            : `no pod in ${ns} is MetalLB's controller (Deployments not in the input)`,
        ],
        fix: `Reinstall the controller with the same version as the speaker: re-apply MetalLB's manifest (kubectl apply -f metallb-native.yaml) or run helm upgrade for the release; then check kubectl -n ${ns} get deploy,pods.`,
      });
      return;
    }

    if (dep && replicasOf(dep) === 0) {
      report({
        message: `The MetalLB controller Deployment ${depName} is scaled to 0 replicas: ${CONSEQUENCE}`,
        subjects: [{ obj: dep, path: ['spec', 'replicas'] }],
        evidence: [`${depName}: spec.replicas 0`],
        fix: `kubectl -n ${dep.metadata?.namespace ?? ns} scale deployment/${dep.metadata?.name ?? ''} --replicas=1`,
      });
      return;
    }

    if (pods) {
      if (pods.length === 0 && dep) {
        const conditions = asArray(asRecord(dep.status).conditions).map(asRecord);
        const failure = conditions.findIndex((c) => c.type === 'ReplicaFailure' && c.status === 'True');
        const events = warningEvents(state, { kind: 'ReplicaSet', namespace: dep.metadata?.namespace ?? ns, name: `${dep.metadata?.name ?? ''}-`, prefix: true });
        const f = failure >= 0 ? conditions[failure]! : undefined;
        report({
          message: `The MetalLB controller Deployment ${depName} has no pod${f ? ` (ReplicaFailure ${String(f.reason ?? '')}: ${String(f.message ?? '')})` : ''}: ${CONSEQUENCE}`,
          subjects: [{ obj: dep, path: failure >= 0 ? ['status', 'conditions', failure] : ['metadata', 'name'] }],
          evidence: [deploymentStatusText(dep), ...events.map((e) => `ReplicaSet ${eventText(e)}`)],
          fix: `Find out why no pod is created: kubectl -n ${dep.metadata?.namespace ?? ns} describe replicaset -l ${podSelectorText(dep, 'component=controller')} (FailedCreate events: Pod Security admission, a ResourceQuota, a missing ServiceAccount), fix that, then check kubectl -n ${dep.metadata?.namespace ?? ns} get pods.`,
        });
        return;
      }
      const views = pods.map(podViewOf);
      if (views.some((v) => v.ready && !v.terminating)) return;
      const v = mostTelling(views);
      const problem = podProblem(v);
      report({
        message: `The MetalLB controller is not ready: pod ${v.name} ${problem.text}: ${CONSEQUENCE}`,
        subjects: [{ obj: v.pod, path: problem.path }, ...(dep ? [{ obj: dep, path: ['metadata', 'name'] }] : [])],
        evidence: [...podEvidence(state, [v, ...views.filter((x) => x !== v)]), ...(dep ? [deploymentStatusText(dep)] : [])],
        fix: fixFor(problem.reason, v, dep?.metadata?.namespace ?? ns),
      });
      return;
    }

    // Pods not in the input: the Deployment's own status says whether a replica is ready
    if (!dep) return;
    const status = asRecord(dep.status);
    if (typeof status.replicas !== 'number' && asArray(status.conditions).length === 0) return;
    const ready = typeof status.readyReplicas === 'number' ? status.readyReplicas : 0;
    if (ready > 0) return;
    const conditions = asArray(status.conditions).map(asRecord);
    const available = conditions.findIndex((c) => c.type === 'Available' && c.status !== 'True');
    report({
      message: `The MetalLB controller Deployment ${depName} has no ready replica (Pods are not in the input, so the container's reason is unknown): ${CONSEQUENCE}`,
      subjects: [{ obj: dep, path: available >= 0 ? ['status', 'conditions', available] : typeof status.readyReplicas === 'number' ? ['status', 'readyReplicas'] : ['status'] }],
      evidence: [deploymentStatusText(dep)],
      fix: `kubectl -n ${dep.metadata?.namespace ?? ns} describe pods -l ${podSelectorText(dep, 'component=controller')}; kubectl -n ${dep.metadata?.namespace ?? ns} logs deploy/${dep.metadata?.name ?? ''} --previous; fix what they show.`,
    });
  },
});

function deploymentStatusText(dep: KubeObject): string {
  const st = asRecord(dep.status);
  const n = (k: string) => (typeof st[k] === 'number' ? (st[k] as number) : 0);
  const conds = asArray(st.conditions)
    .map(asRecord)
    .filter((c) => c.status !== 'True' || c.type === 'ReplicaFailure')
    .map((c) => `${String(c.type)}=${String(c.status)}${c.reason ? ` (${String(c.reason)})` : ''}`);
  return `Deployment ${dep.metadata?.name ?? ''}: ${replicasOf(dep)} desired, ${n('replicas')} current, ${n('readyReplicas')} ready, ${n('availableReplicas')} available${conds.length ? `; ${conds.join(', ')}` : ''}`;
}


/** The usual remedy for a pod stuck with this reason. */
export function fixFor(reason: string, v: PodView, ns: string): string {
  const pod = `kubectl -n ${ns} describe pod ${v.name}`;
  const oom = v.containers.some((c) => c.reason === 'OOMKilled' || c.last?.reason === 'OOMKilled');
  switch (oom && reason === 'CrashLoopBackOff' ? 'OOMKilled' : reason) {
    case 'CrashLoopBackOff':
    case 'Error':
      return `Read why it exits: kubectl -n ${ns} logs ${v.name} --previous (and ${pod}); fix the cause (a wrong argument, a missing Secret or ConfigMap key, API access), then the pod restarts by itself.`;
    case 'OOMKilled':
      return `The container runs out of memory: raise its memory limit (Helm: controller.resources / speaker.resources), then check ${pod}.`;
    case 'ImagePullBackOff':
    case 'ErrImagePull':
    case 'InvalidImageName':
      return `The image cannot be pulled: check the image name and tag, the registry's reachability and imagePullSecrets (${pod} shows the pull error).`;
    case 'CreateContainerConfigError':
      return `A Secret or ConfigMap the container reads does not exist or lacks a key: ${pod} names it; create it (the memberlist Secret is created by the controller at start) or fix the reference.`;
    case 'ContainerCreating':
      return `The container is not created yet: ${pod} shows why (FailedMount of a Secret or ConfigMap volume, a CNI error); fix that.`;
    case 'Unschedulable':
      return `No node accepts the pod: ${pod} shows the scheduler's reason (taints, nodeSelector, resources, host ports 7946/7472 in use); fix that.`;
    case 'Terminating':
      return `The pod is being deleted; if it hangs, ${pod} and check the node's kubelet; a new pod replaces it.`;
    default:
      return `${pod}; kubectl -n ${ns} logs ${v.name} --all-containers; fix what they show.`;
  }
}
