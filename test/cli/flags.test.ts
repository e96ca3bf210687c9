// Flag values are checked when the command line is parsed, whether or not the run uses them
// (a bad --request-timeout with --from is still a bad argument), and a timeout too long for a
// timer waits rather than firing at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runInProcess } from '../helpers/cli.js';
import { withReplay, HEALTHY_L2 } from '../replay/helpers.js';

const L2 = join(import.meta.dirname, '..', '..', 'examples', 'clusters', 'healthy-l2');

test('bad flag values exit 3 with one line naming the flag, even when --from leaves them unused', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['diag', '--from', L2, '--request-timeout', 'bogus'], /--request-timeout.*'bogus'.*duration/],
    [['diag', '--from', L2, '--request-timeout', '1' + '0'.repeat(400)], /--request-timeout/],
    [['diag', '--from', L2, '--chunk-size', '99999999999999999999999'], /--chunk-size.*whole number/],
    [['diag', '--from', L2, '--since', 'bogus'], /--since.*'bogus'/],
    [['diag', '--from', L2, '--tail', '-3'], /--tail/],
    [['diag', '--from', L2, '--probe-timeout', 'soon'], /--probe-timeout.*'soon'/],
    [['simulate', '--from', L2, '--request-timeout', '5x'], /--request-timeout.*'5x'/],
    [['explain', 'service', 'a/b', '--from', L2, '--request-timeout', 'x'], /--request-timeout/],
    [['logs', '--from', L2, '--tail', 'x'], /--tail.*'x'.*whole number/],
  ];
  for (const [args, msg] of cases) {
    const r = await runInProcess(args);
    assert.equal(r.code, 3, `${args.join(' ')}: ${r.err}`);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.match(r.err, msg);
    assert.doesNotMatch(r.err, /internal error|\n\s+at /);
  }
  const ok = await runInProcess(['diag', '--from', L2, '--request-timeout', '30s', '--chunk-size', '0', '-o', 'json']);
  assert.equal(ok.code, 0, ok.err);
});

test('a --request-timeout longer than a timer can wait is no limit, not an instant timeout', async () => {
  await withReplay(HEALTHY_L2, async ({ env }) => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      for (const t of ['99999999999h', '9999999h']) {
        const r = await runInProcess(['diag', '--kubeconfig', env.KUBECONFIG!, '--request-timeout', t, '-o', 'json']);
        assert.equal(r.code, 0, `${t}: ${r.err}`);
        assert.equal(JSON.parse(r.out).health.status, 'healthy');
      }
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings.filter((w) => w === 'TimeoutOverflowWarning'), []);
  });
});
