// Endpoints of a Service as MetalLB counts them: an endpoint serves when it has addresses and its
// conditions allow it (endpointCanServe). Read by service-no-endpoints and by the live read, which
// fetches the Pods behind Services that have no serving endpoint.
import type { KubeObject } from '../sources/types.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import { endpointCanServeAt, type EndpointConditionRule } from './announce/common.js';

/** Endpoint counts over a Service's EndpointSlices. */
export interface EndpointCounts {
  slices: number;
  endpoints: number;
  /** with addresses and conditions that can serve */
  serving: number;
  withoutAddresses: number;
  /** with addresses, but conditions that cannot serve (by the rule: e.g. neither ready nor serving) */
  notServing: number;
}

export function countEndpoints(slices: readonly KubeObject[], rule?: EndpointConditionRule): EndpointCounts {
  const c: EndpointCounts = { slices: slices.length, endpoints: 0, serving: 0, withoutAddresses: 0, notServing: 0 };
  for (const s of slices) {
    for (const e of asArray(s.endpoints)) {
      const ep = asRecord(e);
      c.endpoints++;
      const hasAddresses = asArray(ep.addresses).length > 0;
      const canServe = endpointCanServeAt(ep.conditions, rule);
      if (hasAddresses && canServe) c.serving++;
      else if (!hasAddresses) c.withoutAddresses++;
      else c.notServing++;
    }
  }
  return c;
}
