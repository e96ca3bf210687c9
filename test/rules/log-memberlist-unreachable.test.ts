import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ruleTester, runCase } from '../helpers/rule-tester.js';
import { kit, logBundle, sp } from '../helpers/logs.js';

/** A memberlist library line as the speaker re-emits it. */
const ml = (ts: string, level: string, msg: string) => kit(ts, { caller: 'memberlist.go:1', component: 'Memberlist', level, msg: `memberlist: ${msg}` });
const S = 'speaker-node-a/speaker';
const F = `logs/metallb-system/${S}.log`;
const udp = (ts: string) => ml(ts, 'warn', 'Was able to connect to node-b over TCP but UDP probes failed, network may be misconfigured');

ruleTester('log-memberlist-unreachable', {
  valid: [
    {
      name: 'two failed probes an hour before the log ends (a node restarting) are history',
      files: logBundle({ [S]: [ml('10:00:00', 'warn', 'Failed fallback ping: EOF'), udp('10:00:05'), udp('10:00:10'), sp('11:00:00', 'info', { event: 'serviceAnnounced', msg: 'service has IP, announcing', protocol: 'layer2' })] }),
    },
    {
      name: 'a partial join that later completes',
      files: logBundle({ [S]: [sp('10:00:00', 'error', { error: '1 error occurred', expected: 2, joined: 1, msg: 'partial join', op: 'memberDiscovery' }), sp('10:01:00', 'info', { msg: 'memberlist join successfully', 'number of other nodes': 2, op: 'Member detection' })] }),
    },
  ],
  invalid: [
    {
      name: 'UDP probes fail while TCP works, to the end of the log: UDP 7946 blocked',
      files: logBundle({ [S]: [udp('10:00:00'), udp('10:00:05'), udp('10:00:10')] }),
      errors: [{ file: F, line: 3, column: 1, message: /node-a cannot reach node-b; TCP connects but UDP probes fail/ }],
    },
    {
      name: 'a partial join never completed',
      files: logBundle({ [S]: [sp('10:00:00', 'error', { error: '1 error occurred:\n\t* Failed to join 10.0.0.2:7946: dial tcp 10.0.0.2:7946: i/o timeout', expected: 2, joined: 1, msg: 'partial join', op: 'memberDiscovery' })] }),
      errors: [{ file: F, line: 1, column: 1, message: /port 7946 looks blocked/ }],
    },
  ],
});

test("a partial join's multierror (newlines and tabs) is one line in the finding's evidence", async () => {
  const partial = (ts: string) => sp(ts, 'error', { error: '1 error occurred:\n\t* Failed to join 10.0.0.2:7946: dial tcp 10.0.0.2:7946: i/o timeout\n\n', expected: 1, joined: 0, msg: 'partial join', op: 'memberDiscovery' });
  const [f] = await runCase('log-memberlist-unreachable', { name: 'partial join', files: logBundle({ [S]: [partial('10:00:00'), partial('10:01:00')] }) });
  assert.ok(f);
  const line = f.evidence.find((e) => e.includes('partial join'));
  assert.match(line ?? '', /partial join: 0 of 1 members: 1 error occurred: \* Failed to join 10\.0\.0\.2:7946: dial tcp 10\.0\.0\.2:7946: i\/o timeout$/);
});
