import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle, sp } from '../helpers/logs.js';

const S = 'speaker-node-a/speaker';
/** client-go's klog line on stderr */
const forbidden = (t: string) => `E1120 ${t}.123456       1 reflector.go:138] k8s.io/client-go/tools/cache/reflector.go:167: Failed to watch *v1.Service: failed to list *v1.Service: services is forbidden: User "system:serviceaccount:metallb-system:speaker" cannot list resource "services" in API group "" at the cluster scope`;

const apiTimeout = (ts: string) => kit(ts, { caller: 'main.go:1', error: 'Get "https://10.96.0.1:443/api/v1/services": dial tcp 10.96.0.1:443: i/o timeout', level: 'error', msg: 'failed to list', op: 'startup' });
const allocated = (ts: string) => kit(ts, { caller: 'service.go:186', event: 'ipAllocated', ip: ['10.0.0.5'], level: 'info', msg: 'IP address assigned by controller' });

ruleTester('log-apiserver-unreachable', {
  valid: [
    { name: 'a speaker working normally', files: logBundle({ [S]: [sp('10:00:00', 'info', { controller: 'ConfigReconciler', event: 'config reloaded' })] }) },
    { name: 'a blip of a minute it recovered from (an API server restarting)', files: logBundle({ 'controller-abc/controller': [apiTimeout('10:00:00'), apiTimeout('10:01:00'), allocated('10:02:00')] }) },
    { name: 'an error that is not about the API', files: logBundle({ [S]: [sp('10:00:00', 'error', { error: 'interface eth9 not found', msg: 'failed to announce service', op: 'setBalancer' })] }) },
    {
      name: "the API server answered: it could not call frr-k8s's webhook (whose address refused the connection on 443)",
      files: logBundle({
        [S]: [10, 13, 16].map((m) => JSON.stringify({ level: 'error', ts: `2026-11-20T10:${m}:00Z`, msg: 'Reconciler error', controller: 'frrconfiguration', controllerKind: 'FRRConfiguration', error: 'Internal error occurred: failed calling webhook "frrconfigurationsvalidationwebhook.metallb.io": failed to call webhook: Post "https://frr-k8s-webhook-service.metallb-system.svc:443/validate-frrk8s-metallb-io-v1beta1-frrconfiguration?timeout=10s": dial tcp 10.96.45.10:443: connect: connection refused' })),
      }),
    },
    {
      name: 'the previous container timed out for a minute before it ended; the restarted one works',
      files: logBundle({ 'controller-abc/controller': [allocated('10:02:00')], 'controller-abc/controller.previous': [apiTimeout('10:00:00'), apiTimeout('10:01:00')] }),
    },
  ],
  invalid: [
    {
      name: 'RBAC forbids the speaker to list Services, to the end of its log: critical',
      files: logBundle({ [S]: [forbidden('10:00:00'), forbidden('10:00:30')] }),
      errors: [{ file: `logs/metallb-system/${S}.log`, line: 2, column: 1, severity: 'critical', message: /the speaker on node-a cannot use the Kubernetes API: forbidden by RBAC.*to the end of the log/ }],
    },
    {
      name: 'the API server timed out for 7 minutes, then the controller worked again: warning',
      files: logBundle({ 'controller-abc/controller': [apiTimeout('10:00:00'), apiTimeout('10:07:00'), allocated('10:08:00')] }),
      errors: [{ file: 'logs/metallb-system/controller-abc/controller.log', line: 2, column: 1, severity: 'warning', message: /the controller cannot use the Kubernetes API: it cannot reach the API server.*worked again/ }],
    },
    {
      name: 'the previous container timed out to its end for 7 minutes; the restarted one works: history (warning), not "to the end of the log"',
      files: logBundle({ 'controller-abc/controller': [allocated('10:08:00')], 'controller-abc/controller.previous': [apiTimeout('10:00:00'), apiTimeout('10:07:00')] }),
      errors: [{ file: 'logs/metallb-system/controller-abc/controller.previous.log', line: 2, column: 1, severity: 'warning', message: /cannot reach the API server.*worked again/ }],
    },
    {
      name: 'the previous container timed out to its end; the restarted one times out too: critical, from the current log',
      files: logBundle({ 'controller-abc/controller': [apiTimeout('10:08:00')], 'controller-abc/controller.previous': [apiTimeout('10:00:00'), apiTimeout('10:07:00')] }),
      errors: [{ file: 'logs/metallb-system/controller-abc/controller.log', line: 1, column: 1, severity: 'critical', message: /to the end of the log/ }],
    },
  ],
});
