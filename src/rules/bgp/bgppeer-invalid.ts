import { defineRule } from '../types.js';
import type { ConfigError, ConfigErrorCode } from '../../model/config/index.js';
import { reportParseErrors } from '../parse-errors.js';
import { DISABLE_MP_NOTE } from '../../model/config/peers.js';

const FIXES: Partial<Record<ConfigError['code'], string>> = {
  'peer-my-asn-missing': 'Set spec.myASN to the ASN the speakers use, e.g. `myASN: 64512`.',
  'peer-asn-missing': 'Set spec.peerASN (e.g. `peerASN: 64513`) or `dynamicASN: external` / `internal`.',
  'peer-asn-both': 'Keep one: remove spec.peerASN or spec.dynamicASN.',
  'peer-dynamic-asn-invalid': 'Use `dynamicASN: internal` or `dynamicASN: external`.',
  'peer-ebgp-multihop-ibgp': 'Remove `ebgpMultiHop: true`: with peerASN equal to myASN the session is iBGP.',
  'peer-address-missing': 'Set spec.peerAddress (e.g. `peerAddress: 10.0.0.1`) or spec.interface for unnumbered BGP.',
  'peer-address-both': 'Keep one: remove spec.peerAddress or spec.interface.',
  'peer-address-invalid': 'Write spec.peerAddress as a bare IP address, e.g. `peerAddress: 10.0.0.1` (no prefix length, no zone).',
  'peer-router-id-invalid': 'Write spec.routerID as an IPv4 address, e.g. `routerID: 10.0.0.10`, or remove it.',
  'peer-source-address-invalid': 'Write spec.sourceAddress as a bare IP address, or remove it.',
  'peer-node-selector': 'Remove the duplicate or fix the selector: In/NotIn need values, Exists/DoesNotExist take none.',
};
const CODES = Object.keys(FIXES) as ConfigErrorCode[];

export default defineRule({
  meta: {
    id: 'bgppeer-invalid',
    severity: 'error',
    category: 'bgp',
    evidence: ['files'],
    description: 'A BGPPeer MetalLB cannot parse: ASNs, address/interface, router ID, source address or node selectors.',
    fix: 'Correct the BGPPeer field named in the message.',
  },
  check(ctx) {
    reportParseErrors(ctx, CODES, (e) => ({ suffix: e.rejectedBy === 'runtime' ? ` (${DISABLE_MP_NOTE})` : '', fix: FIXES[e.code] }));
  },
});
