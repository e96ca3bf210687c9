// Every log shape MetalLB's pods write, one fixture per format and generation
// (test/fixtures/logs/formats/NAME.log), against the events each line must become
// (NAME.expect.json: every line that is an event, with its kind, Service, peer and level).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LogStreamReader } from '../../src/model/logs/stream.js';
import type { LogComponent, LogEvent } from '../../src/model/logs/types.js';
import { EVENT_KINDS } from '../../src/model/logs/types.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'logs', 'formats');

interface Expect {
  component: LogComponent;
  events: { line: number; kind: string; service?: string; peer?: string; level?: string }[];
}

/** Reads a fixture as one stream (in chunks of `chunk` bytes, to cross line boundaries). */
function read(name: string, component: LogComponent, chunk = 0): LogEvent[] {
  const events: LogEvent[] = [];
  const container = component === 'memberlist' ? 'speaker' : component === 'frr-k8s' ? 'controller' : component;
  const reader = new LogStreamReader({ namespace: 'metallb-system', pod: component === 'frr-k8s' ? 'frr-k8s-abcde' : `${container}-abcde`, container, previous: false, component: component === 'memberlist' ? 'speaker' : component, file: name }, { event: (e) => events.push(e) }, { debug: true, year: 2026 });
  const buf = readFileSync(join(DIR, name));
  if (chunk <= 0) reader.push(buf);
  else for (let i = 0; i < buf.length; i += chunk) reader.push(buf.subarray(i, i + chunk));
  reader.end();
  return events;
}

const fixtures = readdirSync(DIR).filter((f) => f.endsWith('.log')).sort();

test('there is a fixture for every format and generation the issue names', () => {
  for (const want of ['speaker-v0.9', 'controller-v0.12', 'speaker-v0.13', 'speaker-v0.14-l2', 'speaker-v0.15-bgp-native', 'speaker-v0.15-frr', 'controller-v0.15', 'memberlist', 'frr', 'reloader', 'frr-k8s', 'mixed-garbage', 'kubelet-prefixed']) {
    assert.ok(fixtures.includes(`${want}.log`), `${want}.log`);
  }
});

for (const f of fixtures) {
  test(`${f}: every line becomes the event its expect file names, and no other line does`, () => {
    const expect = JSON.parse(readFileSync(join(DIR, f.replace(/\.log$/, '.expect.json')), 'utf8')) as Expect;
    const events = read(f, expect.component);
    const byLine = new Map(events.map((e) => [e.line, e]));
    for (const x of expect.events) {
      assert.ok((EVENT_KINDS as readonly string[]).includes(x.kind), `${f}: expect names an unknown kind ${x.kind}`);
      const e = byLine.get(x.line);
      assert.ok(e, `${f}:${x.line}: expected ${x.kind}, got no event`);
      assert.equal(e.kind, x.kind, `${f}:${x.line}: ${e.message}`);
      assert.equal(e.service, x.service, `${f}:${x.line}: service`);
      if (x.peer !== undefined) assert.equal(e.peer, x.peer, `${f}:${x.line}: peer`);
      if (x.level !== undefined) assert.equal(e.level, x.level, `${f}:${x.line}: level`);
    }
    const expected = new Set(expect.events.map((x) => x.line));
    const extra = events.filter((e) => !expected.has(e.line)).map((e) => `${e.line} ${e.kind}: ${e.message.slice(0, 80)}`);
    assert.deepEqual(extra, [], `${f}: lines that became events the expect file does not list`);
  });

  test(`${f}: read in 7-byte chunks, the same events (lines cut across chunks, multi-byte characters split)`, () => {
    const expect = JSON.parse(readFileSync(join(DIR, f.replace(/\.log$/, '.expect.json')), 'utf8')) as Expect;
    const whole = read(f, expect.component).map((e) => [e.line, e.kind, e.service, e.peer, e.message]);
    const chunked = read(f, expect.component, 7).map((e) => [e.line, e.kind, e.service, e.peer, e.message]);
    assert.deepEqual(chunked, whole);
  });
}
