import { ruleTester } from '../helpers/rule-tester.js';
import { ipAddressPool } from '../helpers/manifests.js';

const status = (name: string) => `apiVersion: metallb.io/v1beta1
kind: ServiceL2Status
metadata:
  generateName: ${name}
  namespace: metallb-system
`;

ruleTester('object-duplicate', {
  valid: [
    { name: 'same name, different kinds or namespaces', files: { 'a.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/24') + '---\n' + ipAddressPool('a', 'other', '10.1.0.0/24') + '---\n' + ipAddressPool('a', undefined, '10.2.0.0/24').replace('IPAddressPool', 'L2Advertisement') } },
    { name: 'generateName objects are distinct objects', files: { 's.yaml': status('l2-') + '---\n' + status('l2-') } },
    { name: 'the files replacing a snapshot\'s object is what --from means', from: { 'resources/p.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/24') }, files: { 'p.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/25') } },
  ],
  invalid: [
    {
      name: 'one pool in two files, and twice in one file',
      files: {
        'a.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/24'),
        'b.yaml': ipAddressPool('a', 'metallb-system', '10.0.0.0/24') + '---\n' + ipAddressPool('b', 'metallb-system', '10.1.0.0/24') + '---\n' + ipAddressPool('b', 'metallb-system', '10.2.0.0/24'),
      },
      errors: [
        { file: 'a.yaml', line: 1, column: 1, severity: 'warning', message: /IPAddressPool "metallb-system\/a" is defined again at .*b\.yaml:1: applied together, that copy replaces this one/ },
        { file: 'b.yaml', line: 10, column: 1, message: /IPAddressPool "metallb-system\/b" is defined again at .*b\.yaml:19/ },
      ],
    },
  ],
});
