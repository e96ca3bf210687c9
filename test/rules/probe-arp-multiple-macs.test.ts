import { ruleTester } from '../helpers/rule-tester.js';
import { arp } from '../helpers/probes.js';
import { node } from '../helpers/cluster.js';
import { docs, service } from '../helpers/services.js';

const web = service('web', { status: ['10.0.0.5'] });
const A = '52:54:00:00:00:0a';
const B = '52:54:00:00:00:0b';

ruleTester('probe-arp-multiple-macs', {
  valid: [{ name: 'one MAC', files: { 'c.yaml': web }, probes: [arp('10.0.0.5', [A])] }],
  invalid: [
    {
      name: 'two nodes answer (their MACs given with --node-mac): a split brain',
      files: { 'c.yaml': docs(web, node('node-a'), node('node-b')) },
      nodeMacs: { 'node-a': A, 'node-b': B },
      probes: [arp('10.0.0.5', [A, B])],
      errors: [{ line: 1, column: 1, message: /2 MACs answered ARP for 10\.0\.0\.5 \(Service shop\/web\): 52:54:00:00:00:0a \(node node-a, from --node-mac\), 52:54:00:00:00:0b \(node node-b.*split brain/ }],
    },
    {
      name: 'NDP for an IPv6 address, MACs unknown',
      files: { 'c.yaml': service('web6', { status: ['fd00::5'] }) },
      probes: [arp('fd00::5', [A, B])],
      errors: [{ line: 1, column: 1, message: /2 MACs answered NDP for fd00::5/ }],
    },
  ],
});
