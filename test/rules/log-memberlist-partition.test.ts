import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { backticked, pipeOverLogs } from '../helpers/confirm.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle } from '../helpers/logs.js';

const ml = (ts: string, level: string, msg: string) => kit(ts, { caller: 'state.go:1', component: 'Memberlist', level, msg: `memberlist: ${msg}` });
const failed = (ts: string, who: string) => ml(ts, 'info', `Marking ${who} as failed, suspect timeout reached (0 peer confirmations)`);

ruleTester('log-memberlist-partition', {
  valid: [
    { name: 'one member marked failed once (a node that went away)', files: logBundle({ 'speaker-node-a/speaker': [ml('10:00:00', 'info', 'Suspect node-c has failed, no acks received'), failed('10:00:05', 'node-c')] }) },
  ],
  invalid: [
    {
      name: 'two speakers marked each other failed: a partition',
      files: logBundle({ 'speaker-node-a/speaker': [failed('10:00:05', 'node-b')], 'speaker-node-b/speaker': [failed('10:00:06', 'node-a')] }),
      errors: [{ file: 'logs/metallb-system/speaker-node-a/speaker.log', line: 1, column: 1, message: /Speakers marked each other failed \(node-a ↔ node-b\)/ }],
    },
    {
      name: 'one member marked failed again and again: flapping',
      files: logBundle({ 'speaker-node-a/speaker': [failed('10:00:05', 'node-c'), failed('10:10:05', 'node-c'), failed('10:20:05', 'node-c')] }),
      errors: [{ file: 'logs/metallb-system/speaker-node-a/speaker.log', line: 3, column: 1, message: /marked failed or left and rejoined again and again \(node-c\)/ }],
    },
  ],
});

test("the fix's command finds the marks in the speakers' logs of a manifests install (not only the last 10 lines of each pod)", async () => {
  const dir = join(import.meta.dirname, '..', 'fixtures', 'logs', 'scenarios', 'split-brain');
  const r = await runInProcess(['diag', '--from', dir, '-o', 'json']);
  const f = (JSON.parse(r.out) as { findings: { rule: string; fix: string }[] }).findings.find((x) => x.rule === 'log-memberlist-partition')!;
  const [command] = backticked(f.fix);
  assert.match(command!, /^kubectl -n metallb-system logs -l app=metallb,component=speaker -c speaker --tail=-1 --prefix \| /);
  const lines = pipeOverLogs(command!, dir);
  assert.ok(lines.some((l) => /^\[pod\/speaker-7xk2p\/speaker\] .*Marking node-2 as failed/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /"node event":"NodeLeave"/.test(l)), lines.join('\n'));
});
