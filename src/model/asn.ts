// What an autonomous system number is, by the IANA registries: reserved, documentation, private
// or public (RFC 7607, RFC 6793, RFC 5398, RFC 6996, RFC 7300), and the ASN fields of a BGPPeer.
import { sourceOf, type KubeObject } from '../sources/types.js';

export const MAX_ASN = 4294967295;
export const MAX_2BYTE_ASN = 65535;
export const AS_TRANS = 23456;

export type ASNClass =
  | { kind: 'reserved'; reason: string }
  | { kind: 'private'; range: string }
  | { kind: 'public' };

/** Classifies a whole number in 0..4294967295. */
export function classifyASN(asn: number): ASNClass {
  if (asn === 0) return { kind: 'reserved', reason: 'reserved (RFC 7607): it may not be used to identify an AS' };
  if (asn === AS_TRANS) return { kind: 'reserved', reason: 'AS_TRANS (RFC 6793): the placeholder a 4-byte-ASN speaker shows to routers without 4-byte ASN support' };
  if (asn >= 64496 && asn <= 64511) return { kind: 'reserved', reason: 'in the documentation range 64496-64511 (RFC 5398)' };
  if (asn === 65535) return { kind: 'reserved', reason: 'the last 2-byte ASN, reserved (RFC 7300)' };
  if (asn >= 65536 && asn <= 65551) return { kind: 'reserved', reason: 'in the documentation range 65536-65551 (RFC 5398)' };
  // IANA holds 65552-131071 back: no one is assigned an ASN there
  if (asn >= 65552 && asn <= 131071) return { kind: 'reserved', reason: 'in the IANA-reserved range 65552-131071: not assigned to anyone' };
  if (asn === MAX_ASN) return { kind: 'reserved', reason: 'the last 4-byte ASN, reserved (RFC 7300)' };
  if (asn >= 64512 && asn <= 65534) return { kind: 'private', range: '64512-65534' };
  if (asn >= 4200000000 && asn <= 4294967294) return { kind: 'private', range: '4200000000-4294967294' };
  return { kind: 'public' };
}

/** A value that a uint32 ASN field can hold; other values are object-schema-invalid's business. */
export function isASNValue(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_ASN;
}

export interface ASNField {
  /** the CR field name: myASN, peerASN, localASN */
  field: 'myASN' | 'peerASN' | 'localASN';
  /** how the user wrote it: the CR field, or the legacy ConfigMap key (my-asn, peer-asn) */
  label: string;
  value: number;
  path: (string | number)[];
}

const LEGACY_KEYS: Record<ASNField['field'], string> = { myASN: 'my-asn', peerASN: 'peer-asn', localASN: 'local-asn' };

/**
 * The ASN fields a BGPPeer sets, in field order. 0 is left out: it is the unset value (for
 * peerASN with dynamicASN) or a parse error ("missing local ASN") that bgppeer-invalid reports.
 * Both BGPPeer versions name these fields alike; localASN exists in v1beta2 only.
 */
export function peerASNFields(peer: KubeObject): ASNField[] {
  const spec = peer.spec !== null && typeof peer.spec === 'object' && !Array.isArray(peer.spec) ? (peer.spec as Record<string, unknown>) : {};
  const legacy = sourceOf(peer)?.derivedFrom?.kind === 'ConfigMap';
  const out: ASNField[] = [];
  for (const field of ['myASN', 'peerASN', 'localASN'] as const) {
    const v = spec[field];
    if (!isASNValue(v) || v === 0) continue;
    out.push({ field, label: legacy ? LEGACY_KEYS[field] : field, value: v, path: ['spec', field] });
  }
  return out;
}
