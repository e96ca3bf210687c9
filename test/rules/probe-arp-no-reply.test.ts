import { ruleTester } from '../helpers/rule-tester.js';
import { arp } from '../helpers/probes.js';
import { docs, service } from '../helpers/services.js';

const web = service('web', { status: ['10.0.0.5'] });

ruleTester('probe-arp-no-reply', {
  valid: [
    { name: 'a node answered', files: { 'c.yaml': web }, probes: [arp('10.0.0.5', ['52:54:00:00:00:0a'])] },
    { name: 'the probe could not run (no arping): no finding about the network', files: { 'c.yaml': web }, probes: [arp('10.0.0.5', [], { result: 'error', error: { code: 'missing-tool', message: 'arping is not installed' } })] },
  ],
  invalid: [
    { name: "nobody answered for the Service's address", files: { 'c.yaml': docs(web) }, probes: [arp('10.0.0.5', [])], errors: [{ line: 1, column: 1, message: /Nobody answered ARP for 10\.0\.0\.5 \(Service shop\/web\) on eth0: 3 requests, no reply/ }] },
  ],
});
