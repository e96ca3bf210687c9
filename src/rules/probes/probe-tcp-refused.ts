import { defineRule } from '../types.js';
import type { TcpProbe } from '../../model/probe.js';
import { servicesAt, svcName } from '../../model/probe-subjects.js';

export default defineRule({
  meta: {
    id: 'probe-tcp-refused',
    severity: 'error',
    category: 'probes',
    evidence: ['net'],
    description: "A service address refused connections on one of its ports: the address is reached (a node answers for it) but nothing accepts there: no endpoints (kube-proxy rejects), a port that is not the Service's, or a host firewall.",
    fix: "Check the Service's endpoints (`kubectl get endpointslices -l kubernetes.io/service-name=NAME`) and its ports; with externalTrafficPolicy Local, the announcing node must have a ready endpoint.",
  },
  check({ state, report }) {
    for (const p of state.probes ?? []) {
      if (p.kind !== 'tcp' || p.result !== 'refused') continue;
      const tp = p as TcpProbe;
      const svcs = servicesAt(state, tp.address);
      report({
        message: `${tp.target}${svcs.length > 0 ? ` (Service ${svcs.map(svcName).join(', ')})` : ''} refused the connection: the address is reached, but nothing accepts on port ${tp.port} (no ready endpoints, so kube-proxy rejects; or the port is not the Service's; or a firewall rejects).`,
        subjects: svcs.map((obj) => ({ obj })),
        evidence: [`TCP connect to ${tp.target}: refused after ${tp.connectMs ?? tp.durationMs} ms`],
        fix: svcs.length > 0 ? `kubectl get endpointslices -n ${svcs[0]!.metadata?.namespace ?? 'default'} -l kubernetes.io/service-name=${svcs[0]!.metadata?.name ?? ''} (ready endpoints?), and compare port ${tp.port} with the Service's ports.` : `Check that ${tp.target} is the Service's address and port, and that the Service has ready endpoints.`,
      });
    }
  },
});
