import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle, sp } from '../helpers/logs.js';

const parseError = (ts: string) => kit(ts, { caller: 'config_controller.go:186', controller: 'ConfigReconciler', error: 'parsing address pool default: invalid CIDR "10.0.0.0/33" in pool "default"', level: 'error' });
const reloaded = (ts: string) => kit(ts, { caller: 'config_controller.go:205', controller: 'ConfigReconciler', event: 'config reloaded', level: 'info' });
const F = 'logs/metallb-system/speaker-node-a/speaker.log';
/** the handler's refusal and the reconciler's verdict after it (`who`: ConfigReconciler in a speaker, PoolReconciler in the controller) */
const noRetry = (ts: string, who = 'ConfigReconciler') => [
  sp(ts, 'error', { error: 'bfd profiles not supported in native mode', msg: 'applying new configuration to protocol handler failed', op: 'setConfig', protocol: 'bgp' }),
  kit(ts, { caller: 'config_controller.go:218', controller: who, event: 'reload failed, no retry', level: 'error' }),
];
/** MetalLB 0.12 and earlier: the handler's refusal, then "config marked stale" with `"error":null` (a parse failure carries its error there) */
const v012Refused = (ts: string) => [
  kit(ts, { caller: 'level.go:63', configmap: 'metallb-system/config', error: 'service has no configuration under new config', ip: '192.168.1.240', level: 'error', msg: 'new configuration rejected', op: 'setConfig', service: 'default/nginx' }),
  kit(ts, { caller: 'level.go:63', configmap: 'metallb-system/config', error: null, event: 'configStale', level: 'error', msg: 'config (re)load failed, config marked stale' }),
];
const v012Loaded = (ts: string) => kit(ts, { caller: 'level.go:63', configmap: 'metallb-system/config', event: 'configLoaded', level: 'info', msg: 'config (re)loaded' });
const unchanged = (ts: string, who = 'ConfigReconciler') => kit(ts, { caller: 'config_controller.go:193', controller: who, event: 'configuration did not change, ignoring', level: 'debug' });

ruleTester('log-config-rejected', {
  valid: [
    { name: 'a rejection followed by an accepted configuration is history', files: logBundle({ 'speaker-node-a/speaker': [reloaded('10:00:00'), parseError('10:05:00'), reloaded('10:07:00')] }) },
    { name: 'configurations accepted only', files: logBundle({ 'speaker-node-a/speaker': [reloaded('10:00:00'), kit('10:01:00', { caller: 'config_controller.go:196', controller: 'ConfigReconciler', event: 'configuration did not change, ignoring', level: 'debug' })] }) },
    { name: 'no logs at all', files: logBundle({}) },
    { name: '"reload failed, no retry", then the configuration fixed and reloaded', files: logBundle({ 'speaker-node-a/speaker': [...noRetry('10:00:00'), reloaded('10:30:00')] }) },
    { name: 'the controller\'s PoolReconciler keeps only what it accepted: "did not change" after its "no retry" is the old configuration again', files: logBundle({ 'controller-abc/controller': [...noRetry('10:00:00', 'PoolReconciler'), unchanged('10:30:00', 'PoolReconciler')] }) },
    { name: 'v0.12: the handler refused, "config marked stale", then the ConfigMap fixed and loaded', files: logBundle({ 'speaker-node-a/speaker': [...v012Refused('10:05:00'), v012Loaded('10:06:00')] }) },
    {
      name: 'the previous container rejected it; the restarted container (read first or not) accepted one',
      files: logBundle({ 'speaker-node-a/speaker': [reloaded('10:07:00')], 'speaker-node-a/speaker.previous': [parseError('10:05:00')] }),
    },
  ],
  invalid: [
    {
      name: "a reconciler's parse error (the duplicate error key collapsed to the parse error) with nothing accepted after it",
      files: logBundle({ 'speaker-node-a/speaker': [reloaded('10:00:00'), parseError('10:05:00')] }),
      errors: [{ file: F, line: 2, column: 1, message: /the speaker on node-a rejected MetalLB's configuration.*invalid CIDR "10\.0\.0\.0\/33"/ }],
    },
    {
      name: 'the speaker\'s ConfigReconciler after "reload failed, no retry": "configuration did not change" is the rejected one, still not running',
      files: logBundle({ 'speaker-node-a/speaker': [...noRetry('10:00:00'), unchanged('10:30:00')] }),
      errors: [{ file: F, line: 2, column: 1, message: /rejected MetalLB's configuration and accepted none since: "bfd profiles not supported in native mode"/ }],
    },
    {
      name: 'v0.12: "config marked stale" with "error":null quotes the handler\'s reason on the setConfig line before it',
      files: logBundle({ 'speaker-node-a/speaker': [v012Loaded('10:00:00'), ...v012Refused('10:05:00')] }),
      errors: [{ file: F, line: 3, column: 1, message: /accepted none since: "service has no configuration under new config"/ }],
    },
    {
      name: 'the previous container accepted one; the restarted container rejects it: the current log decides',
      files: logBundle({ 'speaker-node-a/speaker': [parseError('10:07:00')], 'speaker-node-a/speaker.previous': [reloaded('10:00:00')] }),
      errors: [{ file: F, line: 1, column: 1, message: /rejected MetalLB's configuration and accepted none since.*invalid CIDR/ }],
    },
    {
      name: 'the same error on two speakers is one finding; a handler rejection is another',
      files: logBundle({
        'speaker-node-a/speaker': [parseError('10:05:00')],
        'speaker-node-b/speaker': [parseError('10:05:01')],
        'speaker-node-c/speaker': [reloaded('10:00:00'), sp('10:06:00', 'error', { error: 'service has no configuration under new config', ip: '10.0.0.5', msg: 'new configuration rejected', op: 'setConfig', service: 'shop/web' })],
      }),
      errors: [
        { file: F, line: 1, column: 1, message: /speakers? on node-a and .*node-b/ },
        { file: 'logs/metallb-system/speaker-node-c/speaker.log', line: 2, column: 1, message: /service has no configuration under new config/ },
      ],
    },
    {
      name: 'a handler refusal followed by "reload failed, retry": the finding quotes why',
      files: logBundle({ 'speaker-node-a/speaker': [sp('10:00:00', 'error', { error: 'service has no configuration under new config', ip: '10.0.0.5', msg: 'new configuration rejected', op: 'setConfig', service: 'shop/web' }), kit('10:00:00', { caller: 'config_controller.go:210', controller: 'ConfigReconciler', error: 'general handler sync state error', event: 'reload failed, retry', level: 'error' })] }),
      errors: [{ file: F, line: 2, column: 1, message: /"new configuration rejected: service has no configuration under new config"|"service has no configuration under new config"/ }],
    },
    {
      name: '"reload failed, retry" from the controller',
      files: logBundle({ 'controller-abc/controller': [kit('10:00:00', { caller: 'pool_controller.go:90', controller: 'PoolReconciler', error: 'overlapping CIDRs', event: 'reload failed, retry', level: 'error' })] }),
      errors: [{ file: 'logs/metallb-system/controller-abc/controller.log', line: 1, column: 1, message: /^the controller rejected MetalLB.s configuration.*overlapping CIDRs/ }],
    },
  ],
});
