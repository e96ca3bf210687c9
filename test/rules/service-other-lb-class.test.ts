import { ruleTester } from '../helpers/rule-tester.js';
import { metallbController } from '../helpers/manifests.js';

// type on line 7; loadBalancerClass (when given) on line 8
const svc = (cls?: string, type = 'LoadBalancer') => `apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: ${type}
${cls !== undefined ? `  loadBalancerClass: ${cls}\n` : ''}  ports:
  - port: 80
`;

const controller = (lbClass?: string, form: 'eq' | 'space' = 'eq') =>
  metallbController({ args: ['--port=7472', ...(lbClass === undefined ? [] : form === 'eq' ? [`--lb-class=${lbClass}`] : ['--lb-class', lbClass])] });

ruleTester('service-other-lb-class', {
  valid: [
    { name: 'no class on either side', files: { 's.yaml': svc(), 'c.yaml': controller() } },
    { name: 'no class, MetalLB not in the input (default assumed)', files: { 's.yaml': svc() } },
    { name: "the Service names MetalLB's class (--lb-class=)", files: { 's.yaml': svc('metallb.io/lb'), 'c.yaml': controller('metallb.io/lb') } },
    { name: "the Service names MetalLB's class (--lb-class VALUE)", files: { 's.yaml': svc('metallb.io/lb'), 'c.yaml': controller('metallb.io/lb', 'space') } },
    {
      name: 'MetalLB v0.12.1 reads no loadBalancerClass (--lb-class and the filter arrive in v0.13.0): it serves the Service',
      files: { 's.yaml': svc('service.k8s.aws/nlb'), 'c.yaml': metallbController({ tag: 'v0.12.1', args: ['--port=7472'] }) },
    },
    { name: 'a ClusterIP Service is not a load balancer', files: { 's.yaml': svc(undefined, 'ClusterIP'), 'c.yaml': controller('metallb.io/lb') } },
  ],
  invalid: [
    {
      name: 'another class while MetalLB runs without one',
      files: { 's.yaml': svc('service.k8s.aws/nlb'), 'c.yaml': controller() },
      errors: [{ file: 's.yaml', line: 8, column: 22, severity: 'info', message: /Service shop\/web has loadBalancerClass "service\.k8s\.aws\/nlb": MetalLB handles only Services without a class, so it ignores this Service/ }],
    },
    {
      name: 'another class while MetalLB v0.13.0 runs without one',
      files: { 's.yaml': svc('service.k8s.aws/nlb'), 'c.yaml': metallbController({ tag: 'v0.13.0', args: ['--port=7472'] }) },
      errors: [{ file: 's.yaml', line: 8, column: 22, message: /MetalLB handles only Services without a class, so it ignores this Service/ }],
    },
    {
      name: 'a class while MetalLB is not in the input: assumed unset, and said so',
      files: { 's.yaml': svc('metallb.io/lb') },
      errors: [{ file: 's.yaml', line: 8, column: 22, message: /--lb-class is not in the input: assuming it is unset/ }],
    },
    {
      name: 'a class other than MetalLB\'s',
      files: { 's.yaml': svc('example.com/other'), 'c.yaml': controller('metallb.io/lb') },
      errors: [{ file: 's.yaml', line: 8, column: 22, message: /MetalLB handles only class "metallb\.io\/lb", so it ignores this Service/ }],
    },
    {
      name: 'no class while MetalLB has one: ignored too',
      files: { 's.yaml': svc(), 'c.yaml': controller('metallb.io/lb', 'space') },
      errors: [{ file: 's.yaml', line: 7, column: 9, message: /has no loadBalancerClass, but MetalLB runs with --lb-class=metallb\.io\/lb/ }],
    },
  ],
});
