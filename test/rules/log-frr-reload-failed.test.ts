import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle } from '../helpers/logs.js';

const R = 'speaker-node-a/reloader';
const validateFailed = (ts: string) => kit(ts, { caller: 'frr.go:488', cause: 'frr reload failed', error: 'reload failure', level: 'error', op: 'reload-validate', status: 'failure' });

/** FRR-K8s mode: the speaker's FRRK8sReconciler writing the node's FRRConfiguration (`failed`: the write is refused) */
const frrK8sReconcile = (ts: string, failed: boolean) => [
  kit(ts, { caller: 'frrk8s_config_controller.go:78', controller: 'FRRK8sReconciler', level: 'info', 'start reconcile': 'metallb-system/metallb-node-a' }),
  ...(failed ? [kit(ts, { caller: 'frrk8s_config_controller.go:111', controller: 'FRRConfiguration', event: 'failed to create frr8s configuration', level: 'info' })] : []),
  kit(ts, { caller: 'frrk8s_config_controller.go:79', controller: 'FRRK8sReconciler', 'end reconcile': 'metallb-system/metallb-node-a', level: 'info' }),
];
/** controller-runtime's zap line after the refused write: the API server could not call frr-k8s's webhook */
const webhookDown = (ts: string) =>
  JSON.stringify({
    level: 'error',
    ts: `2026-11-20T${ts}Z`,
    msg: 'Reconciler error',
    controller: 'frrconfiguration',
    controllerGroup: 'frrk8s.metallb.io',
    controllerKind: 'FRRConfiguration',
    namespace: 'metallb-system',
    name: 'metallb-node-a',
    error: 'Internal error occurred: failed calling webhook "frrconfigurationsvalidationwebhook.metallb.io": failed to call webhook: Post "https://frr-k8s-webhook-service.metallb-system.svc:443/validate-frrk8s-metallb-io-v1beta1-frrconfiguration?timeout=10s": dial tcp 10.96.45.10:443: connect: connection refused',
  });
/** the same line when frr-k8s's webhook answers and refuses (another FRRConfiguration cannot be merged with MetalLB's) */
const webhookDenied = (ts: string) =>
  webhookDown(ts).replace(
    /"error":"[^]*"\}$/,
    `"error":${JSON.stringify('admission webhook "frrconfigurationsvalidationwebhook.metallb.io" denied the request: resource is invalid for node node-a: different asns (64512 != 64600) specified for same vrf: ')}}`,
  );
const deniedWrites = [...frrK8sReconcile('10:00:00', true), webhookDenied('10:00:00'), ...frrK8sReconcile('10:03:00', true), webhookDenied('10:03:00')];
const refusedWrites = [...frrK8sReconcile('10:00:00', true), webhookDown('10:00:00'), ...frrK8sReconcile('10:03:00', true), webhookDown('10:03:00')];

/** frr-k8s's controller: a failed reload is all it reports; its reloader (behind the kubelet's timestamps) logs the good ones */
const fetchFailed = (ts: string) => kit(ts, { caller: 'frr.go:143', lastReloadResult: 'failed', level: 'error', op: 'fetch status' });
const reloaderOk = (ts: string) => [`2026-11-20T${ts}.000000000Z Caught SIGHUP and acquired lock! Reloading FRR..`, `2026-11-20T${ts}.900000000Z FRR reloaded successfully! 1 seconds`];

ruleTester('log-frr-reload-failed', {
  valid: [
    { name: 'a failed reload followed by a successful one', files: logBundle({ [R]: ['Caught SIGHUP and acquired lock! Reloading FRR..', 'Checking the configuration file syntax', 'Syntax error spotted: aborting.. 0 seconds', 'Caught SIGHUP and acquired lock! Reloading FRR..', 'FRR reloaded successfully! 1 seconds'] }) },
    { name: "FRR-K8s: frr-k8s's webhook unreachable twice, then a reconcile writes the FRRConfiguration", files: logBundle({ 'speaker-node-a/speaker': [...refusedWrites, ...frrK8sReconcile('10:06:00', false)] }) },
    { name: "FRR-K8s: frr-k8s's webhook refuses twice, then the conflict is gone and a reconcile writes it", files: logBundle({ 'speaker-node-a/speaker': [...deniedWrites, ...frrK8sReconcile('10:06:00', false)] }) },
    { name: "frr-k8s: its controller's failed reload, then its reloader's success in the same pod", files: logBundle({ 'frr-k8s-abcde/controller': [fetchFailed('10:00:30')], 'frr-k8s-abcde/reloader': reloaderOk('10:04:01') }) },
    { name: 'reloads that succeed', files: logBundle({ 'speaker-node-a/speaker': [kit('10:00:00', { caller: 'frr.go:494', level: 'info', op: 'reload-validate', success: 'reloaded config' })] }) },
  ],
  invalid: [
    {
      name: "frr-k8s: its reloader's success was before its controller's failed reload",
      files: logBundle({ 'frr-k8s-abcde/controller': [fetchFailed('10:00:30')], 'frr-k8s-abcde/reloader': reloaderOk('09:59:00') }),
      errors: [{ file: 'logs/metallb-system/frr-k8s-abcde/controller.log', line: 1, column: 1, message: /FRR could not load MetalLB's configuration on frr-k8s-abcde/ }],
    },
    {
      name: "frr-k8s: another pod's reloader succeeding says nothing of this one",
      files: logBundle({ 'frr-k8s-abcde/controller': [fetchFailed('10:00:30')], 'frr-k8s-fghij/reloader': reloaderOk('10:04:01') }),
      errors: [{ file: 'logs/metallb-system/frr-k8s-abcde/controller.log', line: 1, column: 1, message: /on frr-k8s-abcde and no reload succeeded after/ }],
    },
    {
      name: "the reloader's syntax error and the speaker's failed validation, nothing after",
      files: logBundle({ [R]: ['Caught SIGHUP and acquired lock! Reloading FRR..', 'Checking the configuration file syntax', 'Syntax error spotted: aborting.. 0 seconds'], 'speaker-node-b/speaker': [validateFailed('10:00:00')] }),
      errors: [
        { file: `logs/metallb-system/${R}.log`, line: 3, column: 1, message: /FRR could not load MetalLB's configuration on node-a, node-b/ },
      ],
    },
    {
      name: "FRR-K8s: the API server cannot call frr-k8s's webhook for the FRRConfiguration to the end of the log: the webhook Service, not the API server",
      files: logBundle({ 'speaker-node-a/speaker': refusedWrites }),
      errors: [{ file: 'logs/metallb-system/speaker-node-a/speaker.log', line: 8, column: 1, message: /refused the FRRConfiguration .* on node-a: it could not call the webhook "frrconfigurationsvalidationwebhook\.metallb\.io" \(Service metallb-system\/frr-k8s-webhook-service\).*no working endpoint/ }],
    },
    {
      name: "FRR-K8s: frr-k8s's webhook answers and refuses the FRRConfiguration to the end of the log: its reason, not an unreachable webhook",
      files: logBundle({ 'speaker-node-a/speaker': deniedWrites }),
      errors: [
        {
          file: 'logs/metallb-system/speaker-node-a/speaker.log',
          line: 8,
          column: 1,
          message: /^frr-k8s's webhook "frrconfigurationsvalidationwebhook\.metallb\.io" refused the FRRConfiguration MetalLB writes for frr-k8s on node-a: resource is invalid for node node-a: different asns \(64512 != 64600\) specified for same vrf; no write succeeded after/,
        },
      ],
    },
  ],
});
