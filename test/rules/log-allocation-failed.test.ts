import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle, reconcile } from '../helpers/logs.js';
import { service } from '../helpers/services.js';

const failed = (ts: string) => kit(ts, { caller: 'service.go:179', error: 'no available IPs', level: 'error', msg: 'IP allocation failed', op: 'allocateIPs' });
const allocated = (ts: string) => kit(ts, { caller: 'service.go:186', event: 'ipAllocated', ip: ['10.0.0.5'], level: 'info', msg: 'IP address assigned by controller' });
const C = 'controller-abc/controller';

ruleTester('log-allocation-failed', {
  valid: [
    { name: 'a failure followed by an allocation for the same Service', files: logBundle({ [C]: [...reconcile('10:00:00', 'shop/web', [failed('10:00:00')]), ...reconcile('10:02:00', 'shop/web', [allocated('10:02:00')])] }, service('web')) },
    { name: 'the Service holds an address now: the line is history', files: logBundle({ [C]: reconcile('10:00:00', 'shop/web', [failed('10:00:00')]) }, service('web', { status: ['10.0.0.5'] })) },
    { name: 'a failure inside a reprocessAll pass names no Service', files: logBundle({ [C]: [kit('10:00:00', { caller: 'service_controller_reload.go:60', controller: 'ServiceReconciler - reprocessAll', level: 'info', 'start reconcile': 'metallbreload/reload' }), failed('10:00:00')] }, service('web')) },
  ],
  invalid: [
    {
      name: 'the controller failed, attributed through the enclosing reconcile (the line has no service key)',
      files: logBundle({ [C]: reconcile('10:00:00', 'shop/web', [failed('10:00:00'), failed('10:00:30')]) }, service('web')),
      errors: [{ file: `logs/metallb-system/${C}.log`, line: 3, column: 1, message: /Service shop\/web an address \(2 times.*"no available IPs"/ }],
    },
  ],
});
