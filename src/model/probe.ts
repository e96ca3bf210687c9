// What a network probe saw (src/sources/net/*): the evidence of the probe-* rules and of
// `probe -o json` (cli.md: `probes: [ { kind, target, result, details } ]`).

export type ProbeKind = 'arp' | 'ndp' | 'tcp' | 'bgp';

/** A probe that could not run at all (a tool missing, no privileges): not a finding about the network. */
export interface ProbeError {
  /** `missing-tool` | `no-privileges` | `bad-interface` | `failed` */
  code: 'missing-tool' | 'no-privileges' | 'bad-interface' | 'failed';
  /** one line for the user: what is wrong and how to get it (e.g. `apt-get install iputils-arping`) */
  message: string;
}

/** Who answered ARP (IPv4) or NDP (IPv6) for an address. */
export interface NeighborProbe {
  kind: 'arp' | 'ndp';
  /** the address asked for */
  target: string;
  interface?: string;
  /** requests sent */
  sent: number;
  /** every distinct MAC that answered (lower case, colon separated), with how often */
  replies: { mac: string; count: number; /** round trip of its first reply, ms */ rttMs?: number }[];
  /** answered: one MAC; multiple-macs: more than one; no-reply: none; error: the probe could not run */
  result: 'answered' | 'multiple-macs' | 'no-reply' | 'error';
  error?: ProbeError;
  /** the tool and its command line, to run by hand */
  command: string;
  durationMs: number;
}

export interface TcpProbe {
  kind: 'tcp';
  /** `IP:PORT` (`[v6]:PORT`) */
  target: string;
  address: string;
  port: number;
  result: 'open' | 'refused' | 'timeout' | 'unreachable' | 'error';
  connectMs?: number;
  /** where the port speaks HTTP: the answer to a GET / */
  http?: { status: number; statusText?: string; server?: string };
  error?: ProbeError | { code: string; message: string };
  durationMs: number;
}

/** A decoded BGP OPEN (ours or the peer's). */
export interface BgpOpenInfo {
  version: number;
  /** the 2-byte field (23456, AS_TRANS, when the real one needs 4 bytes) */
  myAsn: number;
  /** the real ASN: the 4-byte-ASN capability's value when present, else myAsn */
  asn: number;
  holdTime: number;
  routerId: string;
  /** capability names (`multiprotocol ipv4/unicast`, `route-refresh`, `4-octet-as 4200000001`, ...) */
  capabilities: string[];
  fourByteAsn: boolean;
}

export interface BgpProbe {
  kind: 'bgp';
  /** `IP:PORT` */
  target: string;
  address: string;
  port: number;
  /**
   * established: OPEN and KEEPALIVE exchanged; notification: the peer sent a NOTIFICATION;
   * closed: the peer closed TCP without a word (a filter after accept, a TCP-MD5 mismatch, an
   * unknown neighbour); unreachable: TCP did not connect (refused / timeout); error: the probe
   * could not run
   */
  result: 'established' | 'notification' | 'closed' | 'unreachable' | 'error';
  /** refused | timeout | no-route, when unreachable */
  reason?: string;
  connectMs?: number;
  sent: BgpOpenInfo;
  received?: BgpOpenInfo;
  notification?: { code: number; subcode: number; name: string; data?: string; direction: 'received' | 'sent' };
  /** what the BGPPeer expects (when the probe was made from one), to compare */
  expected?: { peerAsn?: number; myAsn?: number; name?: string; namespace?: string; password?: boolean };
  /** what the result cannot tell, and how to check from a node */
  notes: string[];
  error?: ProbeError;
  durationMs: number;
}

export type ProbeResult = NeighborProbe | TcpProbe | BgpProbe;
