import { defineRule } from '../types.js';
import type { ClusterState } from '../../state/cluster-state.js';
import { CAUSE_RULE, alternativesText, handledServices, pendingCause, serviceName, simulationOf } from '../../model/simulation.js';

export default defineRule({
  meta: {
    id: 'service-pending',
    severity: 'error',
    category: 'services',
    evidence: ['api'],
    description: 'A LoadBalancer Service MetalLB should serve has no ingress address.',
    fix: 'Fix the cause named in the finding; `kubectl describe svc` shows MetalLB\'s AllocationFailed event.',
  },
  check({ state, report }) {
    for (const { svc, result, info } of handledServices(state)) {
      if (info.statusIPs.length > 0) continue;
      const name = serviceName(svc);
      const evidence = [...result.events.map((e) => `MetalLB's controller: ${e.type} ${e.reason} "${e.message}"`), ...(result.notes ?? [])];
      if (result.state === 'pending') {
        const cause = pendingCause(state, svc);
        const rule = cause ? CAUSE_RULE[cause.kind] : undefined;
        report({
          message: `Service ${name} has no address, and MetalLB cannot give it one: ${result.message ?? result.reason ?? 'unknown cause'}${rule ? ` (see ${rule})` : ''}`,
          subjects: [{ obj: svc }],
          evidence,
        });
      } else {
        report({
          message: simulationOf(state).rejected
            ? `Service ${name} has no address: MetalLB's controller rejects the configuration of its pools, so it hands out nothing from them (once fixed, it would give ${result.ips.join(', ')} from pool "${result.pool}"${alternativesText(result)})`
            : `Service ${name} has no address, yet MetalLB's allocation would give it ${result.ips.join(', ')} from pool "${result.pool}"${alternativesText(result)}: MetalLB's controller has not processed it (not running, not elected, or stale)`,
          subjects: [{ obj: svc }],
          evidence,
          // go-kit keeps the last of two "error" keys: the parse error replaces "failed to parse the configuration"
          // (v0.13+); before v0.13 the controller logged event configStale
          fix: simulationOf(state).rejected
            ? `Fix the pool configuration the evidence names; the controller then loads it and assigns the address (\`${controllerLogs(state)} | grep -E '"controller":"PoolReconciler".*"level":"error"|configStale'\` shows the error).`
            : `Check MetalLB's controller: \`${controllerLogs(state)}\` and its readiness; restarting it makes it reprocess every Service.`,
        });
      }
    }
  },
});

/** `kubectl logs` for MetalLB's controller: its Deployment as installed (Helm names it metallb-controller). */
function controllerLogs(state: ClusterState): string {
  const c = state.metallb.controller;
  return `kubectl -n ${c?.metadata?.namespace ?? state.metallb.namespace} logs deploy/${c?.metadata?.name ?? 'controller'} -c controller`;
}
