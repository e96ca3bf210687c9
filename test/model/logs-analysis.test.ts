// The log analysis over several streams: what it concludes must not depend on the order the
// streams are read in (threads finish in any order), and a restarted container's current log
// supersedes its previous one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogAnalysis } from '../../src/model/logs/analysis.js';
import { LogStreamReader } from '../../src/model/logs/stream.js';
import type { LogComponent, LogStreamInfo } from '../../src/model/logs/types.js';
import { kit } from '../helpers/logs.js';

interface Stream {
  pod: string;
  container: string;
  previous?: boolean;
  component?: LogComponent;
  lines: string[];
}

function info(s: Stream): LogStreamInfo {
  const file = `logs/metallb-system/${s.pod}/${s.container}${s.previous ? '.previous' : ''}.log`;
  return { namespace: 'metallb-system', pod: s.pod, container: s.container, previous: s.previous ?? false, component: s.component ?? (s.container as LogComponent), file };
}

/** The streams read one after the other, in the order given. */
function analyse(streams: Stream[]): LogAnalysis {
  const a = new LogAnalysis();
  for (const s of streams) {
    const r = new LogStreamReader(info(s), a, { year: 2026 });
    r.push(s.lines.join('\n') + '\n');
    r.end();
  }
  return a;
}

/** The analysis of the streams in both orders; the test runs on each. */
function bothOrders(streams: Stream[], check: (a: LogAnalysis, order: string) => void): void {
  check(analyse(streams), 'as given');
  check(analyse([...streams].reverse()), 'reversed');
}

const parseError = (ts: string) => kit(ts, { caller: 'config_controller.go:183', controller: 'ConfigReconciler', error: 'parsing address pool pool1: invalid CIDR "10.0.0.0/33"', level: 'error' });
const reloaded = (ts: string) => kit(ts, { caller: 'config_controller.go:224', controller: 'ConfigReconciler', event: 'config reloaded', level: 'info' });
const connectTimeout = (ts: string) => kit(ts, { caller: 'native.go:115', error: 'dial "10.0.0.1": timeout', level: 'error', msg: 'failed to connect to peer', op: 'connect', peer: '10.0.0.1' });
const sessionUp = (ts: string) => kit(ts, { caller: 'native.go:123', event: 'sessionUp', level: 'info', msg: 'BGP session established', peer: '10.0.0.1' });
const peerRemoved = (ts: string) => kit(ts, { caller: 'native.go:130', event: 'peerRemoved', level: 'info', msg: 'peer removed', peer: '10.0.0.1' });

test('a restarted speaker: the current container accepted the configuration and has the session up, whichever log is read first', () => {
  bothOrders(
    [
      { pod: 'speaker-a', container: 'speaker', previous: true, lines: [parseError('09:00:00'), connectTimeout('09:00:10'), connectTimeout('09:00:30'), connectTimeout('09:01:10')] },
      { pod: 'speaker-a', container: 'speaker', lines: [reloaded('10:00:01'), sessionUp('10:00:05')] },
    ],
    (a, order) => {
      const configs = [...a.config.values()];
      assert.equal(configs.length, 1, order);
      assert.equal(configs[0]!.rejected, undefined, order);
      assert.equal(configs[0]!.stream.previous, false, order);
      const sessions = [...a.sessions.values()];
      assert.equal(sessions.length, 1, order);
      assert.equal(sessions[0]!.up, true, order);
      assert.equal(sessions[0]!.connectFailures, undefined, order);
    },
  );
});

test('what the current container does not speak of, the previous container still tells', () => {
  bothOrders(
    [
      { pod: 'speaker-a', container: 'speaker', previous: true, lines: [parseError('09:00:00'), connectTimeout('09:00:10')] },
      { pod: 'speaker-a', container: 'speaker', lines: [kit('10:00:00', { caller: 'main.go:120', level: 'info', msg: 'MetalLB speaker starting version 0.16.1', version: '0.16.1' })] },
    ],
    (a, order) => {
      assert.equal([...a.config.values()][0]?.rejected?.count, 1, order);
      assert.equal([...a.sessions.values()][0]?.connectFailures?.count, 1, order);
    },
  );
});

test('a peer the current container removed: the previous container\'s failed session to it is over', () => {
  bothOrders(
    [
      { pod: 'speaker-a', container: 'speaker', previous: true, lines: [connectTimeout('09:00:10'), connectTimeout('09:00:30')] },
      { pod: 'speaker-a', container: 'speaker', lines: [connectTimeout('10:00:00'), peerRemoved('10:00:05')] },
    ],
    (a, order) => assert.equal(a.sessions.size, 0, order),
  );
});

test('two pods are two containers: one\'s log does not supersede the other\'s', () => {
  bothOrders(
    [
      { pod: 'speaker-a', container: 'speaker', lines: [parseError('09:00:00')] },
      { pod: 'speaker-b', container: 'speaker', lines: [reloaded('10:00:01')] },
    ],
    (a, order) => assert.deepEqual([...a.config.values()].map((c) => [c.stream.pod, c.rejected?.count]).sort(), [['speaker-a', 1], ['speaker-b', undefined]], order),
  );
});

test("memberlist trouble that ended with the previous container is not the restarted speaker's", () => {
  const probe = (ts: string) => kit(ts, { caller: 'state.go:474', component: 'Memberlist', level: 'error', msg: 'memberlist: Failed fallback TCP ping: timeout 1s: dial tcp 10.0.0.2:7946: i/o timeout' });
  const joined = kit('10:00:00', { caller: 'speakerlist.go:283', level: 'info', msg: 'memberlist join successfully', op: 'Member detection' });
  bothOrders(
    [
      { pod: 'speaker-a', container: 'speaker', previous: true, lines: [probe('09:00:00'), probe('09:00:01'), probe('09:00:02')] },
      { pod: 'speaker-a', container: 'speaker', lines: [joined] },
    ],
    (a, order) => assert.equal(a.memberlist.size, 0, order),
  );
  // without a current log, the previous container's trouble is all there is
  assert.equal(analyse([{ pod: 'speaker-a', container: 'speaker', previous: true, lines: [probe('09:00:00')] }]).memberlist.size, 1);
});

const frr = (ts: string, text: string) => `2026/11/20 ${ts}.000 BGP: ${text}`;
const fsm = (ts: string, from: string, to: string) => frr(ts, `[ZZPVC-3AHMF] 192.168.10.1 fd 27 went from ${from} to ${to} for Outgoing`);

test('FRR at debug level: the FSM leaving Established is the session going down; an ADJCHANGE Down before it keeps its reason', () => {
  const session = (lines: string[]) => [...analyse([{ pod: 'speaker-a', container: 'frr', lines }]).sessions.values()][0]!;
  const fsmOnly = session([fsm('10:00:00', 'OpenConfirm', 'Established'), fsm('10:05:00', 'Established', 'Clearing'), fsm('10:05:00', 'Clearing', 'Idle')]);
  assert.equal(fsmOnly.everUp, true);
  assert.equal(fsmOnly.up, false);
  assert.equal(fsmOnly.lastDown?.line, 2);
  const both = session([
    fsm('10:00:00', 'OpenConfirm', 'Established'),
    frr('10:00:00', '[N9HHH-F8H1M] %ADJCHANGE: neighbor 192.168.10.1(tor-1) in vrf default Up'),
    frr('10:05:00', '[PXVXG-TFNNT] %ADJCHANGE: neighbor 192.168.10.1(tor-1) in vrf default Down Neighbor deleted'),
    fsm('10:05:00', 'Established', 'Clearing'),
  ]);
  assert.equal(both.up, false);
  assert.equal(both.lastDown?.details.reason, 'Neighbor deleted');
});

test('MetalLB 0.12: "config marked stale" with "error":null follows the handler\'s refusal; with an error it is the parse failure', () => {
  const stale = (ts: string, error: string | null) => kit(ts, { caller: 'level.go:63', configmap: 'metallb-system/config', error, event: 'configStale', level: 'error', msg: 'config (re)load failed, config marked stale' });
  const refused = kit('10:00:00', { caller: 'level.go:63', configmap: 'metallb-system/config', error: 'service has no configuration under new config', level: 'error', msg: 'new configuration rejected', op: 'setConfig', service: 'default/nginx' });
  const config = (lines: string[]) => [...analyse([{ pod: 'speaker-a', container: 'speaker', lines }]).config.values()][0]!;
  const handler = config([refused, stale('10:00:00', null)]);
  assert.equal(handler.rejected?.last.details.rejection, 'reload');
  assert.equal(handler.reason?.line, 1);
  const parse = config([stale('10:00:00', 'parsing address pool #1: invalid CIDR "10.0.0.0/33"')]);
  assert.equal(parse.rejected?.last.details.rejection, 'parse');
  assert.equal(parse.reason?.line, 1);
});
