import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle, reconcile } from '../helpers/logs.js';
import { service } from '../helpers/services.js';

const failed = (ts: string) => kit(ts, { caller: 'service.go:179', error: 'no available IPs', level: 'error', msg: 'IP allocation failed', op: 'allocateIPs' });
const allocated = (ts: string) => kit(ts, { caller: 'service.go:186', event: 'ipAllocated', ip: ['10.0.0.5'], level: 'info', msg: 'IP address assigned by controller' });
const C = 'controller-abc/controller';
/** A `ServiceReconciler - reprocessAll` pass (after a restart or a pool change): its handler's lines name no Service */
const reprocessAll = (ts: string, inner: string[]) => [
  kit(ts, { caller: 'service_controller_reload.go:63', controller: 'ServiceReconciler - reprocessAll', level: 'info', 'start reconcile': 'metallbreload/reload' }),
  ...inner,
  kit(ts, { caller: 'service_controller_reload.go:64', controller: 'ServiceReconciler - reprocessAll', 'end reconcile': 'metallbreload/reload', level: 'info' }),
];
/** the pass names a Service only when handling it failed, after its lines (`service` is a dump of the object) */
const handleFailed = (ts: string, svc: string, retry: boolean) =>
  kit(ts, { caller: 'service_controller_reload.go:107', controller: 'ServiceReconciler - reprocessAll', endpoints: '[]', event: `failed to handle service, ${retry ? '' : 'no '}retry`, level: 'error', name: svc, service: JSON.stringify({ metadata: { name: svc.split('/')[1], namespace: svc.split('/')[0] } }) });
const updated = (ts: string) => kit(ts, { caller: 'main.go:136', event: 'serviceUpdated', level: 'info', msg: 'updated service object' });

ruleTester('log-allocation-failed', {
  valid: [
    { name: 'a failure followed by an allocation for the same Service', files: logBundle({ [C]: [...reconcile('10:00:00', 'shop/web', [failed('10:00:00')]), ...reconcile('10:02:00', 'shop/web', [allocated('10:02:00')])] }, service('web')) },
    { name: 'the Service holds an address now: the line is history', files: logBundle({ [C]: reconcile('10:00:00', 'shop/web', [failed('10:00:00')]) }, service('web', { status: ['10.0.0.5'] })) },
    {
      name: 'reprocessAll: an allocation the pass credits to shop/web (its status update failed, "retry") clears its earlier failure',
      files: logBundle({ [C]: [...reconcile('10:00:00', 'shop/web', [failed('10:00:00')]), ...reprocessAll('10:05:00', [allocated('10:05:00'), kit('10:05:00', { caller: 'main.go:133', error: 'conflict', level: 'error', msg: 'failed to update service', op: 'updateServiceStatus' }), handleFailed('10:05:00', 'shop/web', true)])] }, service('web')),
    },
    { name: 'a failure inside a reprocessAll pass that no line names', files: logBundle({ [C]: [kit('10:00:00', { caller: 'service_controller_reload.go:60', controller: 'ServiceReconciler - reprocessAll', level: 'info', 'start reconcile': 'metallbreload/reload' }), failed('10:00:00')] }, service('web')) },
  ],
  invalid: [
    {
      name: "reprocessAll: another Service's allocation, handled (serviceUpdated), is not credited to the failure that follows",
      files: logBundle({ [C]: [...reconcile('10:00:00', 'shop/web', [failed('10:00:00')]), ...reprocessAll('10:05:00', [allocated('10:05:00'), updated('10:05:00'), failed('10:05:00'), handleFailed('10:05:00', 'shop/db', false)]), ...reconcile('10:06:00', 'shop/web', [allocated('10:06:00')])] }, service('web') + '---\n' + service('db')),
      errors: [{ file: `logs/metallb-system/${C}.log`, line: 7, column: 1, message: /Service shop\/db an address/ }],
    },
    {
      name: 'reprocessAll: the allocation failure is the Service the "failed to handle service, no retry" after it names',
      files: logBundle({ [C]: reprocessAll('10:00:00', [allocated('10:00:00'), updated('10:00:00'), failed('10:00:00'), handleFailed('10:00:00', 'shop/web', false)]) }, service('web')),
      errors: [{ file: `logs/metallb-system/${C}.log`, line: 4, column: 1, message: /Service shop\/web an address \(once.*"no available IPs"/ }],
    },
    {
      name: 'the controller failed, attributed through the enclosing reconcile (the line has no service key)',
      files: logBundle({ [C]: reconcile('10:00:00', 'shop/web', [failed('10:00:00'), failed('10:00:30')]) }, service('web')),
      errors: [{ file: `logs/metallb-system/${C}.log`, line: 3, column: 1, message: /Service shop\/web an address \(2 times.*"no available IPs"/ }],
    },
  ],
});
