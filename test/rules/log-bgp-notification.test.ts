import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle } from '../helpers/logs.js';

const S = 'speaker-node-a/speaker';
const F = `logs/metallb-system/${S}.log`;
const native = (ts: string, level: string, fields: Record<string, unknown>) => kit(ts, { caller: 'native.go:115', level, localASN: 64512, peer: '192.168.1.1:179', peerASN: 64513, ...fields });
const badAS = (ts: string) => native(ts, 'error', { error: 'read OPEN from "192.168.1.1:179": got BGP notification code 0x0202 (Bad peer AS)', msg: 'failed to connect to peer', op: 'connect' });
const up = (ts: string) => native(ts, 'info', { event: 'sessionUp', msg: 'BGP session established' });
/** FRR's own log line (the frr container) */
const frr = (ts: string, text: string) => `2026/11/20 ${ts}.000 BGP: [HKWM3-ZC5QP] ${text}`;

ruleTester('log-bgp-notification', {
  valid: [
    {
      name: 'a Cease / Connection Collision Resolution on a session that came up: routine',
      files: logBundle({ 'speaker-node-a/frr': [frr('10:00:00', '%NOTIFICATION: sent to neighbor 192.168.1.1 6/7 (Cease/Connection Collision Resolution) 0 bytes'), frr('10:00:01', '%ADJCHANGE: neighbor 192.168.1.1(Unknown) in vrf default Up')] }),
    },
    { name: 'sessions up, no NOTIFICATION', files: logBundle({ [S]: [up('10:00:00')] }) },
  ],
  invalid: [
    {
      name: 'the router answers every OPEN with 2/2 Bad Peer AS (decoded from the native 16-bit form); never up: error',
      files: logBundle({ [S]: [badAS('10:00:00'), badAS('10:00:05'), badAS('10:00:15')] }),
      errors: [{ file: F, line: 3, column: 1, severity: 'error', message: /Router 192\.168\.1\.1 sent a NOTIFICATION 2\/2 \(OPEN Message Error \/ Bad Peer AS\) to node-a \(3 times\); the session is not up/ }],
    },
    {
      name: "an established session closed by the router's NOTIFICATION (native event peerNotification, 6/3 Peer De-configured)",
      files: logBundle({ [S]: [up('10:00:00'), native('10:10:00', 'error', { error: 'got BGP notification code 0x0603 (Peer De-configured)', event: 'peerNotification', msg: 'peer sent notification, closing session' })] }),
      errors: [{ file: F, line: 2, column: 1, severity: 'error', message: /NOTIFICATION 6\/3 \(Cease \/ Peer De-configured\)/ }],
    },
    {
      name: 'FRR received 2/2 once, then the session came up: warning',
      files: logBundle({ 'speaker-node-a/frr': [frr('10:00:00', '%NOTIFICATION: received from neighbor 192.168.1.1 2/2 (OPEN Message Error/Bad Peer AS) 2 bytes FC 00'), frr('10:05:00', '%ADJCHANGE: neighbor 192.168.1.1(Unknown) in vrf default Up')] }),
      errors: [{ file: 'logs/metallb-system/speaker-node-a/frr.log', line: 1, column: 1, severity: 'warning', message: /came up again after it/ }],
    },
  ],
});
