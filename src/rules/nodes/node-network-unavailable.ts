import { defineRule } from '../types.js';
import { announcementOf } from '../../model/announcement.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import { adsText, advertisementsSelecting, selectingEvidence } from './node-excluded-from-lb.js';

export default defineRule({
  meta: {
    id: 'node-network-unavailable',
    severity: 'warning',
    category: 'nodes',
    evidence: ['api'],
    description: 'A Node that an advertisement selects has the condition NetworkUnavailable=True: MetalLB never announces from it.',
    fix: "Fix the node's network so that the NetworkUnavailable condition turns False (the CNI plugin or the cloud route controller sets it), or stop selecting the node in the advertisements.",
  },
  check({ state, report }) {
    const a = announcementOf(state);
    // MetalLB reads the condition from v0.13.10 on: before, such a node announces as any other
    if (!a.applies || a.input.networkUnavailable === false) return;
    if (a.input.l2Advertisements.length === 0 && a.input.bgpAdvertisements.length === 0) return;
    for (const node of a.input.nodes) {
      const conditions = asArray(asRecord(node.status).conditions);
      const index = conditions.findIndex((c) => asRecord(c).type === 'NetworkUnavailable' && asRecord(c).status === 'True');
      if (index < 0) continue;
      const name = node.metadata?.name ?? '';
      const ads = advertisementsSelecting(a, name);
      // no advertisement selects it: MetalLB would not announce from it anyway
      if (ads.length === 0) continue;
      const c = asRecord(conditions[index]);
      const str = (k: string) => (typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined);
      const reason = str('reason');
      const msg = str('message');
      const since = str('lastTransitionTime');
      report({
        message: `Node ${name} has the condition NetworkUnavailable=True${reason ? ` (${reason})` : ''}: MetalLB never announces from it (nodeNetworkUnavailable: it is no layer 2 candidate and withdraws its BGP routes), although ${adsText(ads)} select${ads.length === 1 ? 's' : ''} it`,
        subjects: [{ obj: node, path: ['status', 'conditions', index] }],
        evidence: [
          `condition NetworkUnavailable: status True${reason ? `, reason ${reason}` : ''}${msg ? `, message "${msg}"` : ''}${since ? `, since ${since}` : ''}`,
          ...selectingEvidence(ads),
        ],
        fix: `Find out why the node's network is unavailable (kubectl describe node ${name}; the CNI pod on the node, or the cloud route controller, sets this condition) and fix it so that the condition turns False; or stop selecting the node in the advertisements' nodeSelectors.`,
      });
    }
  },
});
