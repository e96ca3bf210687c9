import { defineRule } from '../types.js';
import { aggregateLeaks } from '../../model/aggregates.js';
import { serviceName } from '../../model/simulation.js';
import { namesText } from '../../report/text.js';

export default defineRule({
  meta: {
    id: 'service-aggregate-local-policy',
    severity: 'warning',
    category: 'services',
    evidence: ['api'],
    new: true,
    description:
      'A Service under externalTrafficPolicy Local is announced inside a BGP aggregate that nodes without its endpoints announce for other Services: the routers send part of its traffic there, and kube-proxy drops it.',
    fix: 'Give the Service an address outside the aggregate (a pool, or a BGPAdvertisement without aggregationLength, of its own), or set externalTrafficPolicy: Cluster, or aggregate only pools whose Services all use Cluster.',
  },
  check({ state, report }) {
    for (const [svc, leaks] of aggregateLeaks(state)) {
      for (const leak of leaks) {
        const others = leak.others.map(serviceName);
        report({
          message:
            `Service ${serviceName(svc)} (externalTrafficPolicy Local) is announced inside the BGP aggregate ${leak.prefix}, which ${leak.nodes.length} node(s) without a serving endpoint of it also announce for ${namesText(others, 3)}: ` +
            'the routers spread its connections over every path to the aggregate (ECMP), and kube-proxy on those nodes drops them, since Local policy forwards only to endpoints on the node',
          subjects: [{ obj: svc }],
          evidence: [`nodes announcing ${leak.prefix} without an endpoint of the Service: ${namesText(leak.nodes)}`, `Services that make them announce it: ${namesText(others)}`],
        });
      }
    }
  },
});
