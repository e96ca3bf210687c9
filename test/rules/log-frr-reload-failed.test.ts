import { ruleTester } from '../helpers/rule-tester.js';
import { kit, logBundle } from '../helpers/logs.js';

const R = 'speaker-node-a/reloader';
const validateFailed = (ts: string) => kit(ts, { caller: 'frr.go:488', cause: 'frr reload failed', error: 'reload failure', level: 'error', op: 'reload-validate', status: 'failure' });

ruleTester('log-frr-reload-failed', {
  valid: [
    { name: 'a failed reload followed by a successful one', files: logBundle({ [R]: ['Caught SIGHUP and acquired lock! Reloading FRR..', 'Checking the configuration file syntax', 'Syntax error spotted: aborting.. 0 seconds', 'Caught SIGHUP and acquired lock! Reloading FRR..', 'FRR reloaded successfully! 1 seconds'] }) },
    { name: 'reloads that succeed', files: logBundle({ 'speaker-node-a/speaker': [kit('10:00:00', { caller: 'frr.go:494', level: 'info', op: 'reload-validate', success: 'reloaded config' })] }) },
  ],
  invalid: [
    {
      name: "the reloader's syntax error and the speaker's failed validation, nothing after",
      files: logBundle({ [R]: ['Caught SIGHUP and acquired lock! Reloading FRR..', 'Checking the configuration file syntax', 'Syntax error spotted: aborting.. 0 seconds'], 'speaker-node-b/speaker': [validateFailed('10:00:00')] }),
      errors: [
        { file: `logs/metallb-system/${R}.log`, line: 3, column: 1, message: /FRR could not load MetalLB's configuration on node-a, node-b/ },
      ],
    },
  ],
});
