// The `logs` command's filters: --service, --peer, --node, --since, as one predicate on events.
import { peerAddress } from './classify.js';
import type { LogEvent } from './types.js';

export interface EventFilterSpec {
  /** `namespace/name` */
  service?: string;
  /** the Service's addresses (lines that name only `ips` are about it too) */
  serviceIPs?: readonly string[];
  /** a peer address (any port is ignored) or a memberlist member (node) name */
  peer?: string;
  node?: string;
  /** events at or after this time (epoch ms); events without a time are kept */
  sinceMs?: number;
}

export function eventFilter(spec: EventFilterSpec): ((e: LogEvent) => boolean) | undefined {
  const peer = spec.peer !== undefined ? peerAddress(spec.peer) : undefined;
  const ips = new Set(spec.serviceIPs ?? []);
  if (spec.service === undefined && peer === undefined && spec.node === undefined && spec.sinceMs === undefined) return undefined;
  return (e) => {
    if (spec.sinceMs !== undefined && e.time !== undefined && e.time < spec.sinceMs) return false;
    if (spec.node !== undefined && e.stream.node !== spec.node && e.stream.pod !== spec.node) return false;
    if (peer !== undefined && e.peer !== peer) return false;
    if (spec.service !== undefined && e.service !== spec.service) {
      const named = (e.details.ips ?? e.details.ip ?? '').split(', ').filter(Boolean);
      if (e.service !== undefined || named.length === 0 || !named.some((ip) => ips.has(ip))) return false;
    }
    return true;
  };
}
