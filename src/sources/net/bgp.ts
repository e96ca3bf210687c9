// probe bgp: what a BGP router really says to MetalLB's ASN. Opens TCP to the peer, sends the OPEN
// MetalLB's speakers send (4-octet AS, multiprotocol IPv4 (and IPv6) unicast, route refresh),
// reads the answer (OPEN or NOTIFICATION), answers a KEEPALIVE to reach Established where the peer
// accepts, then closes politely with a Cease. Every wait is bounded.
import { Socket } from 'node:net';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { BgpDecodeError, MessageReader, capabilityText, encodeKeepalive, encodeNotification, encodeOpen, metallbCapabilities, openAsn, type Message, type Open } from '../../model/bgp/messages.js';
import { notificationName } from '../../model/bgp/notification.js';
import type { BgpOpenInfo, BgpProbe } from '../../model/probe.js';

export interface BgpProbeOptions {
  port?: number;
  /** the ASN we speak as (the BGPPeer's myASN) */
  myAsn: number;
  /** the ASN the peer should have (the BGPPeer's peerASN), to compare */
  peerAsn?: number;
  /** our BGP identifier (default: our local address toward the peer, as MetalLB's default) */
  routerId?: string;
  holdTime?: number;
  /** also offer IPv6 unicast (a dual-stack MetalLB peer) */
  ipv6?: boolean;
  /** the whole probe, ms (default 5000) */
  timeoutMs?: number;
  /** how long to wait for the peer's OPEN before sending ours, ms (default 250) */
  openWaitMs?: number;
  /** the BGPPeer the options came from, for the notes */
  peer?: { name: string; namespace: string; password: boolean; ebgpMultiHop?: boolean };
}

function openInfo(o: Open): BgpOpenInfo {
  const caps = o.capabilities.map(capabilityText);
  return { version: o.version, myAsn: o.myAsn, asn: openAsn(o), holdTime: o.holdTime, routerId: o.routerId, capabilities: caps, fourByteAsn: o.capabilities.some((c) => c.code === 65) };
}

export async function probeBgp(address: string, opts: BgpProbeOptions): Promise<BgpProbe> {
  const port = opts.port ?? 179;
  const started = performance.now();
  const timeoutMs = opts.timeoutMs ?? 5000;
  const target = isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
  const holdTime = opts.holdTime ?? 90;
  const notes: string[] = [];
  const capabilities = metallbCapabilities(opts.myAsn, { ipv6: opts.ipv6 ?? isIP(address) === 6 });
  const base = (sent: BgpOpenInfo): BgpProbe => ({
    kind: 'bgp',
    target,
    address,
    port,
    result: 'error',
    sent,
    notes,
    ...(opts.peerAsn !== undefined || opts.peer ? { expected: { ...(opts.peerAsn !== undefined ? { peerAsn: opts.peerAsn } : {}), myAsn: opts.myAsn, ...(opts.peer ? { name: opts.peer.name, namespace: opts.peer.namespace, password: opts.peer.password } : {}) } } : {}),
    durationMs: 0,
  });
  if (!isIP(address)) {
    const sent: BgpOpenInfo = { version: 4, myAsn: opts.myAsn > 65535 ? 23456 : opts.myAsn, asn: opts.myAsn, holdTime, routerId: opts.routerId ?? '0.0.0.0', capabilities: capabilities.map(capabilityText), fourByteAsn: true };
    return { ...base(sent), error: { code: 'failed', message: `${address} is not an IP address` }, durationMs: performance.now() - started };
  }
  if (opts.peer?.password) {
    notes.push(
      `BGPPeer ${opts.peer.namespace}/${opts.peer.name} has a password: the router expects TCP-MD5 signatures (RFC 2385), which Node.js cannot add, so it silently drops this probe's segments. A timeout or a close without a word then says nothing about the session; test from a node with the password configured.`,
    );
  }

  return new Promise<BgpProbe>((resolve) => {
    const socket = new Socket();
    const reader = new MessageReader();
    let sent: BgpOpenInfo | undefined;
    let probe: BgpProbe | undefined;
    let connectedAt: number | undefined;
    let received: Open | undefined;
    let settled = false;
    let openWait: NodeJS.Timeout | undefined;

    /** ends the session with a last message (a NOTIFICATION), flushed before the socket goes */
    let farewell: Buffer | undefined;
    const finish = (p: Partial<BgpProbe> & { result: BgpProbe['result'] }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(openWait);
      const routerId = opts.routerId ?? (socket.localAddress && isIP(socket.localAddress) === 4 ? socket.localAddress : '0.0.0.0');
      const info: BgpOpenInfo = sent ?? { version: 4, myAsn: opts.myAsn > 65535 ? 23456 : opts.myAsn, asn: opts.myAsn, holdTime, routerId, capabilities: capabilities.map(capabilityText), fourByteAsn: true };
      probe = { ...base(info), ...p, ...(connectedAt !== undefined ? { connectMs: Math.round((connectedAt - started) * 10) / 10 } : {}), ...(received ? { received: openInfo(received) } : {}), durationMs: Math.round(performance.now() - started) };
      if (farewell && !socket.destroyed) {
        socket.end(farewell);
        setTimeout(() => socket.destroy(), 500).unref();
      } else socket.destroy();
      resolve(probe);
    };
    const timer = setTimeout(() => {
      if (connectedAt === undefined) finish({ result: 'unreachable', reason: 'timeout' });
      else if (!received) finish({ result: 'closed', reason: 'no OPEN' });
      // an OPEN but no KEEPALIVE in time: the peer did not accept ours
      else finish({ result: 'closed', reason: 'no KEEPALIVE' });
    }, timeoutMs);
    timer.unref?.();

    socket.once('error', (e: NodeJS.ErrnoException) => {
      if (connectedAt === undefined) {
        const reason = e.code === 'ECONNREFUSED' ? 'refused' : e.code === 'EHOSTUNREACH' || e.code === 'ENETUNREACH' ? 'no-route' : e.code === 'ETIMEDOUT' ? 'timeout' : (e.code ?? 'failed');
        finish({ result: 'unreachable', reason });
      } else finish({ result: 'closed', reason: e.code === 'ECONNRESET' ? 'reset' : (e.code ?? 'failed') });
    });
    socket.once('close', () => finish({ result: 'closed', reason: received ? 'closed after its OPEN' : 'closed without a word' }));
    // Our OPEN goes out when the peer's arrives, or after a short wait. Most routers send theirs on
    // connect; hearing it first means we learn the router's AS and capabilities even when it then
    // refuses ours. Otherwise a router may judge our OPEN before sending its own, and the evidence
    // depends on a race. A router with DelayOpen waits for ours; the wait ends and ours goes out.
    const sendOpen = () => {
      if (sent || settled) return;
      clearTimeout(openWait);
      const routerId = opts.routerId ?? (isIP(socket.localAddress ?? '') === 4 ? socket.localAddress! : '10.0.0.1');
      const open = { myAsn: opts.myAsn, holdTime, routerId, capabilities };
      sent = { version: 4, myAsn: opts.myAsn > 65535 ? 23456 : opts.myAsn, asn: opts.myAsn, holdTime, routerId, capabilities: capabilities.map(capabilityText), fourByteAsn: true };
      socket.write(encodeOpen(open));
    };
    socket.connect({ host: address, port }, () => {
      connectedAt = performance.now();
      openWait = setTimeout(sendOpen, Math.max(0, Math.min(opts.openWaitMs ?? 250, timeoutMs / 4)));
      openWait.unref?.();
    });
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      let m: Message | undefined;
      try {
        while ((m = reader.next())) handle(m);
      } catch (e) {
        if (e instanceof BgpDecodeError) {
          // a speaker answers garbage with a NOTIFICATION of its own
          farewell = encodeNotification(e.code, e.subcode);
          finish({ result: 'notification', notification: { code: e.code, subcode: e.subcode, name: notificationName(e.code, e.subcode).text, direction: 'sent' }, reason: e.message });
        } else throw e;
      }
    });

    const handle = (m: Message) => {
      if (settled) return;
      if (m.type === 3 && 'notification' in m) {
        const n = m.notification;
        finish({ result: 'notification', notification: { code: n.code, subcode: n.subcode, name: notificationName(n.code, n.subcode).text, ...(n.data.length > 0 ? { data: n.data.toString('hex') } : {}), direction: 'received' } });
        return;
      }
      if (m.type === 1 && 'open' in m) {
        received = m.open;
        // what MetalLB's speaker would do with this OPEN: refuse another AS (2/2), as the router refuses ours
        if (opts.peerAsn !== undefined && openAsn(m.open) !== opts.peerAsn) {
          farewell = encodeNotification(2, 2);
          finish({ result: 'notification', notification: { code: 2, subcode: 2, name: notificationName(2, 2).text, direction: 'sent' }, reason: `the peer's OPEN carries AS ${openAsn(m.open)}, the BGPPeer expects ${opts.peerAsn}` });
          return;
        }
        sendOpen();
        socket.write(encodeKeepalive());
        return;
      }
      if (m.type === 4) {
        if (!received) return;
        // Established: leave politely (Cease / Administrative Shutdown)
        farewell = encodeNotification(6, 2, Buffer.from([13, ...Buffer.from('metallb-probe')]));
        finish({ result: 'established' });
      }
    };
  }).then((p) => {
    addNotes(p, opts);
    return p;
  });
}

/** What the result cannot tell, and how to check from a node. */
function addNotes(p: BgpProbe, opts: BgpProbeOptions): void {
  const from = `kubectl debug node/<node> -it --image=nicolaka/netshoot -- nc -zv -w 3 ${p.address} ${p.port}`;
  if (p.result === 'unreachable' || p.result === 'closed') {
    p.notes.push(
      `This probe ran from this machine, not from a node: a router that accepts connections only from its configured neighbours${p.result === 'closed' ? ' closes the connection' : ' ignores or refuses it'} here, and may still accept the nodes. Check from a node: ${from}.`,
    );
  }
  if (p.result === 'notification' && p.notification?.direction === 'received' && p.notification.code === 6 && [3, 5].includes(p.notification.subcode)) {
    p.notes.push(`Cease ${p.notification.subcode === 3 ? 'Peer De-configured' : 'Connection Rejected'}: the router has no neighbour for this machine's address; it may have one for each node. Check from a node: ${from}.`);
  }
  if (p.received && opts.myAsn > 65535 && !p.received.fourByteAsn) {
    p.notes.push(`The router does not announce the 4-octet-AS capability, and MetalLB speaks as AS ${opts.myAsn} (above 65535): it cannot express that AS to this router.`);
  }
}
