import { ruleTester } from '../helpers/rule-tester.js';
import { metallbController } from '../helpers/manifests.js';

// annotations (when given) on lines 6-7; loadBalancerIP on the line after `type`
const svc = (opts: { ip?: string; type?: string; annotation?: string; cls?: string }) => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
${opts.annotation ? `  annotations:\n    ${opts.annotation}\n` : ''}spec:
  type: ${opts.type ?? 'LoadBalancer'}
${opts.cls ? `  loadBalancerClass: ${opts.cls}\n` : ''}${opts.ip !== undefined ? `  loadBalancerIP: ${JSON.stringify(opts.ip)}\n` : ''}  ports:
  - port: 80
`;

const controller = (lbClass: string) => metallbController({ args: [`--lb-class=${lbClass}`] });

ruleTester('service-loadbalancerip-deprecated', {
  valid: [
    { name: 'the annotation instead', files: { 's.yaml': svc({ annotation: 'metallb.io/loadBalancerIPs: 192.168.1.10' }) } },
    { name: 'an empty loadBalancerIP', files: { 's.yaml': svc({ ip: '' }) } },
    { name: 'a NodePort Service', files: { 's.yaml': svc({ ip: '192.168.1.10', type: 'NodePort' }) } },
    { name: 'a Service MetalLB ignores for its class', files: { 's.yaml': svc({ ip: '192.168.1.10', cls: 'example.com/other' }), 'c.yaml': controller('metallb.io/lb') } },
  ],
  invalid: [
    {
      name: 'spec.loadBalancerIP on a LoadBalancer Service',
      files: { 's.yaml': svc({ ip: '192.168.1.10' }) },
      errors: [{ line: 8, column: 19, severity: 'info', message: /Service shop\/web asks for 192\.168\.1\.10 with spec\.loadBalancerIP, deprecated in Kubernetes.*metallb\.io\/loadBalancerIPs annotation is the supported way \(and the only one for dual-stack\)\.$/ }],
    },
    {
      name: 'both spec.loadBalancerIP and the annotation: MetalLB refuses',
      files: { 's.yaml': svc({ ip: '192.168.1.10', annotation: 'metallb.io/loadBalancerIPs: 192.168.1.11' }) },
      errors: [{ line: 10, column: 19, message: /service can not have both metallb\.io\/loadBalancerIPs and svc\.Spec\.LoadBalancerIP/ }],
    },
    {
      name: 'an empty metallb.io key wins over the old one: no conflict',
      files: { 's.yaml': svc({ ip: '192.168.1.10', annotation: 'metallb.io/loadBalancerIPs: ""\n    metallb.universe.tf/loadBalancerIPs: 192.168.1.11' }) },
      errors: [{ line: 11, column: 19, message: /only one for dual-stack\)\.$/ }],
    },
    {
      name: 'the old annotation key conflicts too',
      files: { 's.yaml': svc({ ip: '192.168.1.10', annotation: 'metallb.universe.tf/loadBalancerIPs: 192.168.1.11' }) },
      errors: [{ line: 10, column: 19, message: /The metallb\.universe\.tf\/loadBalancerIPs annotation is set too: MetalLB refuses to allocate/ }],
    },
  ],
});
