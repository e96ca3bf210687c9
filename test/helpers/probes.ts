// Probe results for rule tests: what src/sources/net/* return, built by hand.
import type { BgpOpenInfo, BgpProbe, NeighborProbe, TcpProbe } from '../../src/model/probe.js';

export function arp(target: string, macs: string[], o: Partial<NeighborProbe> = {}): NeighborProbe {
  return {
    kind: target.includes(':') ? 'ndp' : 'arp',
    target,
    interface: 'eth0',
    sent: 3,
    replies: macs.map((mac) => ({ mac, count: 3, rttMs: 0.5 })),
    result: macs.length === 0 ? 'no-reply' : macs.length === 1 ? 'answered' : 'multiple-macs',
    command: `arping -c 3 -w 3 -I eth0 ${target}`,
    durationMs: 2000,
    ...o,
  };
}

export function tcp(address: string, port: number, result: TcpProbe['result'], o: Partial<TcpProbe> = {}): TcpProbe {
  return { kind: 'tcp', target: `${address}:${port}`, address, port, result, ...(result === 'open' ? { connectMs: 1.2 } : {}), durationMs: result === 'timeout' ? 3000 : 2, ...o };
}

export function open(asn: number, o: Partial<BgpOpenInfo> = {}): BgpOpenInfo {
  const four = o.fourByteAsn ?? true;
  return { version: 4, myAsn: asn > 65535 ? 23456 : asn, asn, holdTime: 90, routerId: '10.0.0.1', capabilities: ['multiprotocol ipv4/unicast', 'route-refresh', ...(four ? [`4-octet-as ${asn}`] : [])], fourByteAsn: four, ...o };
}

export function bgp(address: string, result: BgpProbe['result'], o: Partial<BgpProbe> = {}): BgpProbe {
  return { kind: 'bgp', target: `${address}:179`, address, port: 179, result, sent: open(64512), notes: [], durationMs: 20, ...o };
}
