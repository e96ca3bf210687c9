import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FORMATS, render, renderJson, renderJunit, renderSarif, renderText, renderYaml, type Format } from '../../src/renderers/index.js';
import { lintReport, opts } from './fixtures.js';

describe('render()', () => {
  test('dispatches each format to its renderer', () => {
    const direct = { text: renderText, json: renderJson, yaml: renderYaml, sarif: renderSarif, junit: renderJunit };
    assert.deepEqual([...FORMATS].sort(), Object.keys(direct).sort());
    const outputs = new Set<string>();
    for (const f of FORMATS) {
      const out = render(f, lintReport(), opts());
      assert.equal(out, direct[f](lintReport(), opts()));
      outputs.add(out);
    }
    assert.equal(outputs.size, FORMATS.length, 'every format renders differently');
  });

  test('renderers do not change the report they are given', () => {
    const r = lintReport();
    const before = structuredClone(r);
    for (const f of FORMATS) render(f, r, opts({ verbose: true }));
    assert.deepEqual(r, before);
  });

  test('an unknown format is an error naming the known ones', () => {
    assert.throws(() => render('html' as Format, lintReport(), opts()), /unknown output format "html".*text, json, yaml, sarif, junit/);
  });
});
