// The text timeline: one event, one line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventText } from '../../src/renderers/logs.js';
import { painter } from '../../src/renderers/options.js';
import type { LogEvent } from '../../src/model/logs/types.js';

const event = (message: string): LogEvent => ({
  time: Date.parse('2026-11-20T10:11:00Z'),
  stream: { namespace: 'metallb-system', pod: 'speaker-a', container: 'speaker', previous: false, component: 'speaker', file: 'speaker.log' },
  component: 'speaker',
  kind: 'memberlist-join-failed',
  level: 'error',
  message,
  details: {},
  line: 8,
});

test("an error with newlines and tabs (go-multierror's partial join) is one line of the timeline; the event keeps it as written", () => {
  const e = event('partial join: 0 of 1 members: 1 error occurred:\n\t* Failed to join 10.0.0.2:7946: dial tcp 10.0.0.2:7946: i/o timeout\n\n');
  const text = eventText(e, painter(false));
  assert.ok(!/[\r\n\t]/.test(text), JSON.stringify(text));
  assert.match(text, /memberlist-join-failed +partial join: 0 of 1 members: 1 error occurred: \* Failed to join 10\.0\.0\.2:7946: dial tcp 10\.0\.0\.2:7946: i\/o timeout$/);
  assert.ok(e.message.includes('\n\t* '));
});

test('a one-line message is shown as it is, spaces kept', () => {
  assert.match(eventText(event('Failed fallback TCP ping:  timeout 1s'), painter(false)), /Failed fallback TCP ping: {2}timeout 1s$/);
});
