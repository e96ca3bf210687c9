import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle } from '../helpers/logs.js';

const S = 'speaker-node-a/speaker';
const native = (ts: string, level: string, fields: Record<string, unknown>) => kit(ts, { caller: 'native.go:115', level, localASN: 64512, peer: '192.168.10.1:179', peerASN: 64513, ...fields });
const timeout = (ts: string) => native(ts, 'error', { error: 'dial "192.168.10.1:179": dial tcp 192.168.10.1:179: i/o timeout', msg: 'failed to connect to peer', op: 'connect' });
/** FRR 10's lines at `debug bgp neighbor-events` (bgp_fsm.c), without `bgp log-neighbor-changes` (MetalLB's frr.conf has none) */
const frr = (ts: string, text: string) => `2026/11/20 ${ts}.000 BGP: ${text}`;
const frrRefused = (ts: string) => [
  frr(ts, '[ZZPVC-3AHMF] 192.168.10.1 fd -1 went from Active to Connect for Outgoing'),
  frr(ts, '[XB8WX-EQF0G] 192.168.10.1 [Event] Connect failed 111(Connection refused) for connection Outgoing'),
  frr(ts, '[ZZPVC-3AHMF] 192.168.10.1 fd -1 went from Connect to Active for Outgoing'),
];
const frrEstablished = (ts: string) => [
  frr(ts, '[ZZPVC-3AHMF] 192.168.10.1 fd 25 went from Connect to OpenSent for Outgoing'),
  frr(ts, '[ZZPVC-3AHMF] 192.168.10.1 fd 25 went from OpenSent to OpenConfirm for Outgoing'),
  frr(ts, '[ZZPVC-3AHMF] 192.168.10.1 fd 25 went from OpenConfirm to Established for Outgoing'),
];
const refused = (ts: string) => native(ts, 'error', { error: 'dial "192.168.10.1:179": dial tcp 192.168.10.1:179: connect: connection refused', msg: 'failed to connect to peer', op: 'connect' });

ruleTester('log-bgp-connect-failed', {
  valid: [
    { name: 'two failures, then the session comes up', files: logBundle({ [S]: [timeout('10:00:00'), timeout('10:00:10'), native('10:00:20', 'info', { event: 'sessionUp', msg: 'BGP session established' })] }) },
    { name: 'one failure, seconds before the log ends: too little to say', files: logBundle({ [S]: [timeout('10:00:00')] }) },
    { name: 'a session that was up and went down is bgp-session-down, not this', files: logBundle({ [S]: [native('09:00:00', 'info', { event: 'sessionUp', msg: 'BGP session established' }), timeout('10:00:00'), timeout('10:00:10'), timeout('10:00:40')] }) },
    {
      name: 'FRR at debug level: refused three times, then the FSM reaches Established (no ADJCHANGE without log-neighbor-changes)',
      files: logBundle({ 'speaker-node-a/frr': [...frrRefused('10:00:01'), ...frrRefused('10:00:11'), ...frrRefused('10:00:21'), ...frrEstablished('10:00:31')] }),
    },
    {
      name: 'the previous container never got through; the restarted one has the session up',
      files: logBundle({ [S]: [native('10:05:00', 'info', { event: 'sessionUp', msg: 'BGP session established' })], [`${S}.previous`]: [timeout('10:00:00'), timeout('10:00:10'), timeout('10:00:30'), timeout('10:01:10')] }),
    },
  ],
  invalid: [
    {
      name: 'every connect times out for minutes, never up: nothing answers on 179',
      files: logBundle({ [S]: [timeout('10:00:00'), timeout('10:00:10'), timeout('10:00:30'), timeout('10:01:10')] }),
      errors: [{ file: `logs/metallb-system/${S}.log`, line: 4, column: 1, message: /never came up from node-a.*4 times.*nothing answers on port 179/ }],
    },
    {
      name: 'FRR at debug level: refused three times, the FSM never past OpenConfirm',
      files: logBundle({ 'speaker-node-a/frr': [...frrRefused('10:00:01'), ...frrRefused('10:00:11'), ...frrRefused('10:00:21'), ...frrEstablished('10:00:31').slice(0, 2)] }),
      errors: [{ file: 'logs/metallb-system/speaker-node-a/frr.log', line: 8, column: 1, message: /never came up from node-a.*3 times.*refuses the connection/ }],
    },
    {
      name: 'the previous container had the session up; the restarted one never gets through',
      files: logBundle({ [S]: [timeout('10:05:00'), timeout('10:05:10'), timeout('10:05:30')], [`${S}.previous`]: [native('10:00:00', 'info', { event: 'sessionUp', msg: 'BGP session established' })] }),
      errors: [{ file: `logs/metallb-system/${S}.log`, line: 3, column: 1, message: /never came up from node-a.*3 times/ }],
    },
    {
      name: "the router's OPEN carries another AS (native: unexpected peer ASN): TCP works, the ASN is wrong",
      files: logBundle({ [S]: [1, 2, 3].map((i) => native(`10:0${i}:00`, 'error', { error: 'unexpected peer ASN 64999, want 64513', msg: 'failed to connect to peer', op: 'connect' })) }),
      errors: [{ file: `logs/metallb-system/${S}.log`, line: 3, column: 1, message: /TCP works, but the router's OPEN carries AS 64999 where the BGPPeer says spec\.peerASN 64513/ }],
    },
    {
      name: 'connection refused from two nodes: one finding for the peer',
      files: logBundle({ [S]: [refused('10:00:00'), refused('10:00:40')], 'speaker-node-b/speaker': [refused('10:00:01'), refused('10:00:41')] }),
      errors: [{ file: `logs/metallb-system/${S}.log`, line: 2, column: 1, message: /from node-a, node-b.*refuses the connection/ }],
    },
  ],
});
