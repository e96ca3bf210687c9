import { ruleTester } from '../helpers/rule-tester.js';
import { arp } from '../helpers/probes.js';
import { node } from '../helpers/cluster.js';
import { docs, service } from '../helpers/services.js';

const web = service('web', { status: ['10.0.0.5'] });
/** a node whose MAC our own annotation names */
const annotated = (name: string, mac: string) => node(name).replace('metadata:\n', `metadata:\n  annotations: { metallb-doctor.io/macs: "${mac}" }\n`);

ruleTester('probe-arp-foreign-mac', {
  valid: [
    { name: "the MAC is a node's (from its annotation)", files: { 'c.yaml': docs(web, annotated('node-a', '52:54:00:00:00:0a'), annotated('node-b', '52:54:00:00:00:0b')) }, probes: [arp('10.0.0.5', ['52:54:00:00:00:0b'])] },
    {
      name: "a node known only by flannel's VtepMAC (another interface's) answers with its LAN MAC: not foreign",
      files: { 'c.yaml': docs(web, annotated('node-a', '52:54:00:00:00:0a'), node('node-b').replace('metadata:\n', `metadata:\n  annotations: { flannel.alpha.coreos.com/backend-data: '{"VNI":1,"VtepMAC":"9a:3c:11:de:42:07"}' }\n`)) },
      probes: [arp('10.0.0.5', ['52:54:00:00:00:0b'])],
    },
    { name: "one node's MAC unknown: an unknown MAC may be its", files: { 'c.yaml': docs(web, annotated('node-a', '52:54:00:00:00:0a'), node('node-b')) }, probes: [arp('10.0.0.5', ['52:54:00:00:00:99'])] },
  ],
  invalid: [
    {
      name: 'every node known, and the answer is none of them',
      files: { 'c.yaml': docs(web, annotated('node-a', '52:54:00:00:00:0a'), node('node-b')) },
      nodeMacs: { 'node-b': '52-54-00-00-00-0B' },
      probes: [arp('10.0.0.5', ['de:ad:be:ef:00:01'])],
      errors: [{ line: 1, column: 1, message: /de:ad:be:ef:00:01 answered ARP for 10\.0\.0\.5 \(Service shop\/web\), and no node has that MAC/ }],
    },
  ],
});
