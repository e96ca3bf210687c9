import { defineRule } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText } from '../../model/logs/evidence.js';
import { asArray, asRecord } from '../../state/cluster-state.js';

export default defineRule({
  meta: {
    id: 'log-allocation-failed',
    severity: 'error',
    category: 'logs',
    evidence: ['logs'],
    description: "The controller logged `IP allocation failed` for a Service and assigned it no address after that: the Service stays `<pending>`; the finding quotes the controller's reason.",
    fix: "Do what MetalLB's reason says: free or add addresses in a pool the Service may use, correct the requested IP or pool annotation, or the sharing key.",
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    const servicesKnown = state.isCaptured('Service');
    for (const [name, a] of [...logs.allocations].sort((x, y) => (x[0] < y[0] ? -1 : 1))) {
      if (!a.failed) continue;
      const [ns, svcName] = name.split('/') as [string, string];
      const svc = state.get('Service', ns, svcName);
      // the state is newer than a log line: a Service that holds an address now, or is gone, is history
      if (svc && asArray(asRecord(asRecord(svc.status).loadBalancer).ingress).length > 0) continue;
      if (servicesKnown && state.isCaptured('Service', ns) && !svc) continue;
      const e = a.failed.last;
      const reason = e.details.error || e.message;
      report({
        message: `The controller could not give Service ${name} an address (${occurrenceText(a.failed)}): "${reason}". It stays <pending> until that changes.`,
        subjects: [logSubject(e), ...(svc ? [{ obj: svc }] : [])],
        evidence: [eventLine(e), ...(a.failed.count > 1 ? [`first: ${eventLine(a.failed.first)}`] : []), ...(a.lastAllocated ? [`last allocation before it: ${eventLine(a.lastAllocated)}`] : [])],
        fix: `Act on the reason: ${/no available IPs|no available addresses|exhausted/i.test(reason) ? 'the pools the Service may use are full: add addresses or free some' : /shar/i.test(reason) ? 'the Services sharing this address disagree (sharing key, ports, externalTrafficPolicy): make them compatible' : /not allowed|not in|doesn't match|does not match/i.test(reason) ? 'the requested address or pool is not one MetalLB may give this Service: correct the annotation or spec.loadBalancerIP, or the pool\'s serviceAllocation' : 'see `metallb-doctor explain service ' + name + '`'}. Confirm with: kubectl describe service -n ${ns} ${svcName} (AllocationFailed events) and ${kubectlLogs(e.stream, 'allocation failed')}.`,
      });
    }
  },
});
