import { ruleTester } from '../helpers/rule-tester.js';
import { tcp } from '../helpers/probes.js';
import { service } from '../helpers/services.js';

const web = service('web', { status: ['10.0.0.5'] });

ruleTester('probe-tcp-timeout', {
  valid: [{ name: 'the port is open', files: { 'c.yaml': web }, probes: [tcp('10.0.0.5', 80, 'open', { http: { status: 200 } })] }],
  invalid: [
    { name: 'no answer', files: { 'c.yaml': web }, probes: [tcp('10.0.0.5', 80, 'timeout')], errors: [{ line: 1, column: 1, message: /10\.0\.0\.5:80 \(Service shop\/web\) did not answer: no answer within 3000 ms/ }] },
    { name: 'no route', files: { 'c.yaml': web }, probes: [tcp('10.0.0.5', 443, 'unreachable')], errors: [{ line: 1, column: 1, message: /did not answer: no route to it/ }] },
  ],
});
