import type { KubeObject } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { asArray, asRecord, type ClusterState } from '../../state/cluster-state.js';
import { argValue } from '../../state/installation.js';
import { ML_SECRET_KEY, envEntry, memberlistSecretRefs } from '../../model/memberlist.js';

export { ML_SECRET_KEY, memberlistSecretRefs, type MemberlistSecretRef } from '../../model/memberlist.js';

function secretKeys(secret: KubeObject): string[] {
  return [...new Set([...Object.keys(asRecord(secret.data)), ...Object.keys(asRecord(secret.stringData))])];
}

/** What the controller does about the Secret: it creates --ml-secret-name / METALLB_ML_SECRET_NAME at start when missing (controller/main.go). */
function controllerNote(state: ClusterState, secret: string): { evidence: string; fix: string; creates?: boolean } {
  const ctl = state.metallb.controller;
  const ns = ctl?.metadata?.namespace ?? state.metallb.namespace;
  const manual = `kubectl -n ${ns} create secret generic ${secret} --from-literal=${ML_SECRET_KEY}="$(openssl rand -base64 128)"`;
  if (!ctl) return { evidence: 'the controller Deployment is not in the input', fix: `Create it: ${manual}; the speaker pods then start.` };
  const c = asArray(asRecord(asRecord(asRecord(ctl.spec).template).spec).containers).map(asRecord)[0] ?? {};
  const envName = envEntry(c, 'METALLB_ML_SECRET_NAME')?.entry.value;
  const name = argValue(c, 'ml-secret-name') ?? (typeof envName === 'string' ? envName : undefined);
  const deploy = `deployment/${ctl.metadata?.name ?? 'controller'}`;
  if (name === secret) {
    return {
      creates: true,
      evidence: `the controller ${ctl.metadata?.name ?? ''} is told to create Secret "${secret}" when it starts (ml-secret-name)`,
      fix: `Restart the controller so that it creates the Secret (kubectl -n ${ns} rollout restart ${deploy}), or create it by hand: ${manual}; the speaker pods then start.`,
    };
  }
  if (name) {
    return {
      evidence: `the controller ${ctl.metadata?.name ?? ''} creates Secret "${name}", not "${secret}": the names disagree`,
      fix: `Make the names agree (the speaker's Secret reference and the controller's METALLB_ML_SECRET_NAME; Helm: speaker.secretName drives both), or create it by hand: ${manual}.`,
    };
  }
  return {
    evidence: `the controller ${ctl.metadata?.name ?? ''} has no ml-secret-name, so it creates no memberlist Secret`,
    fix: `Create it: ${manual}; or set METALLB_ML_SECRET_NAME=${secret} (and METALLB_DEPLOYMENT) on the controller so that it creates it.`,
  };
}

export default defineRule({
  meta: {
    id: 'memberlist-secret-missing',
    severity: 'error',
    category: 'installation',
    evidence: ['api'],
    description: 'The speakers reference a memberlist Secret (env METALLB_ML_SECRET_KEY or a volume at the key path) that does not exist or lacks its key: speaker pods cannot start.',
    fix: 'Restart the controller, which creates the memberlist Secret when it is missing, or create it: kubectl -n metallb-system create secret generic memberlist --from-literal=secretkey="$(openssl rand -base64 128)".',
  },
  check({ state, report }) {
    const ds = state.metallb.speaker;
    if (!ds) return;
    const ns = ds.metadata?.namespace ?? state.metallb.namespace;
    const dsName = `${ns}/${ds.metadata?.name ?? ''}`;
    for (const ref of memberlistSecretRefs(ds)) {
      // an optional env reference only leaves memberlist unencrypted ("no ml-secret-key set")
      if (ref.via === 'env' && ref.optional) continue;
      // absent is not none: the Secrets of the namespace, or this one, must have been read
      if (!state.isCaptured('Secret', ns, ref.secret)) continue;
      const secret = state.get('Secret', ns, ref.secret) ?? state.all('Secret').find((s) => !s.metadata?.namespace && s.metadata?.name === ref.secret);
      const how = ref.via === 'env' ? `reads METALLB_ML_SECRET_KEY (container ${ref.container}) from` : `mounts at ${ref.mountPath ?? 'the memberlist key path'} (container ${ref.container})`;
      if (!secret) {
        const effect =
          ref.via === 'env'
            ? `the kubelet cannot start the container (CreateContainerConfigError: secret "${ref.secret}" not found)`
            : ref.optional
              ? `the optional volume stays empty and the speaker exits at start ("failed to read memberlist secret key file")`
              : `the kubelet cannot mount the volume, so speaker pods stay in ContainerCreating (FailedMount: secret "${ref.secret}" not found)`;
        const note = controllerNote(state, ref.secret);
        // manifests as given (MetalLB's own, a chart's output): the controller creates it at its first start
        if (note.creates && state.sourceKind === 'manifests' && !state.bundle) continue;
        report({
          message: `The speaker DaemonSet ${dsName} ${how} Secret "${ref.secret}", which does not exist in ${ns}: ${effect}; speakers already running go on until they restart, a new node gets no working speaker`,
          subjects: [{ obj: ds, path: ref.path }],
          evidence: [`${ds.metadata?.name ?? ''}: ${ref.via === 'env' ? `env METALLB_ML_SECRET_KEY from secretKeyRef ${ref.secret}/${ref.key}` : `Secret volume ${ref.secret} at ${ref.mountPath ?? '?'}${ref.optional ? ' (optional)' : ''}`}`, `no Secret ${ns}/${ref.secret} in the input (Secrets are captured)`, note.evidence],
          fix: note.fix,
        });
        continue;
      }
      const keys = secretKeys(secret);
      if (!ref.noKeyFile && (ref.key === '' || keys.includes(ref.key))) continue;
      const effect = ref.noKeyFile
        ? `the volume's items project no file named ${ML_SECRET_KEY}, so the speaker finds no ${ref.mountPath ?? ''}/${ML_SECRET_KEY} and exits at start ("failed to read memberlist secret key file")`
        : ref.via === 'env'
          ? `the kubelet cannot start the container (CreateContainerConfigError: couldn't find key ${ref.key} in Secret ${ns}/${ref.secret})`
          : ref.key !== ML_SECRET_KEY && !ref.optional
            ? `the kubelet cannot mount the volume, so speaker pods stay in ContainerCreating (FailedMount: references non-existent secret key: ${ref.key})`
            : `the mounted directory has no file ${ML_SECRET_KEY}, so the speaker exits at start ("failed to read memberlist secret key file") and its pods crash-loop`;
      const hasData = Object.keys(asRecord(secret.data)).length > 0;
      report({
        message: `Secret "${ref.secret}", which the speaker DaemonSet ${dsName} ${ref.via === 'env' ? 'reads METALLB_ML_SECRET_KEY from' : 'mounts as its memberlist key'}, has no key ${ref.noKeyFile ? `projected to ${ML_SECRET_KEY}` : ref.key}: ${effect}`,
        subjects: [
          { obj: secret, path: hasData ? ['data'] : ['metadata', 'name'] },
          { obj: ds, path: ref.path },
        ],
        evidence: [`Secret ${ns}/${ref.secret} keys: ${keys.length > 0 ? keys.join(', ') : 'none'} (values are never read)`, `the speaker needs key ${ref.key}${ref.via === 'volume' ? ` as the file ${ref.mountPath ?? ''}/${ML_SECRET_KEY}` : ''}`],
        fix: `Recreate the Secret with the key: kubectl -n ${ns} delete secret ${ref.secret}; then restart the controller (it creates the Secret with key ${ML_SECRET_KEY} when missing) or kubectl -n ${ns} create secret generic ${ref.secret} --from-literal=${ML_SECRET_KEY}="$(openssl rand -base64 128)".`,
      });
    }
  },
});
