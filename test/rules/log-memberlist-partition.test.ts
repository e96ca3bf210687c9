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
