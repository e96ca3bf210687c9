import { ruleTester } from '../helpers/rule-tester.js';
import { tcp } from '../helpers/probes.js';
import { service } from '../helpers/services.js';

const web = service('web', { status: ['10.0.0.5'] });

ruleTester('probe-tcp-refused', {
  valid: [
    { name: 'the port is open', files: { 'c.yaml': web }, probes: [tcp('10.0.0.5', 80, 'open')] },
    { name: 'a timeout is probe-tcp-timeout', files: { 'c.yaml': web }, probes: [tcp('10.0.0.5', 80, 'timeout')] },
  ],
  invalid: [{ name: 'refused on the Service address', files: { 'c.yaml': web }, probes: [tcp('10.0.0.5', 80, 'refused')], errors: [{ line: 1, column: 1, message: /10\.0\.0\.5:80 \(Service shop\/web\) refused the connection/ }] }],
});
