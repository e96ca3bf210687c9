// Large YAML files are parsed in pieces cut at document markers: the result must be exactly what
// parsing the whole text at once gives (values, positions, issues), and the cuts must be real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DocumentCutter, PIECE_SIZE } from '../../src/sources/yaml-pieces.js';
import { loadInputs } from '../../src/sources/load.js';
import { parseYamlText } from '../../src/sources/yaml.js';
import { sourceOf } from '../../src/sources/types.js';

function doc(i: number): string {
  return `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm-${i}
  namespace: ns-${i % 7}
data:
  script: |
    echo ${i}
    ---not-a-marker-inside-a-block
  on: ${i % 2 ? 'yes' : '"quoted"'}
`;
}

function cut(text: string, sizes: number[]): { pieces: string[]; lines: number[] } {
  const c = new DocumentCutter();
  const out: string[] = [];
  const lines: number[] = [];
  const buf = Buffer.from(text);
  let at = 0;
  for (let k = 0; at < buf.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]!);
    for (const p of c.push(buf.subarray(at, at + n))) {
      out.push(p.bytes.toString());
      lines.push(p.line);
    }
    at += n;
  }
  const last = c.end();
  if (last) {
    out.push(last.bytes.toString());
    lines.push(last.line);
  }
  return { pieces: out, lines };
}

test('the cutter cuts only before "---" lines, keeps every byte, and counts lines', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3000 }), fc.array(fc.integer({ min: 1, max: 200_000 }), { minLength: 1, maxLength: 5 }), (docs, sizes) => {
      const text = Array.from({ length: docs }, (_, i) => doc(i)).join('---\n');
      const { pieces, lines } = cut(text, sizes);
      assert.equal(pieces.join(''), text, 'nothing lost or reordered');
      let line = 1;
      pieces.forEach((p, k) => {
        assert.equal(lines[k], line);
        line += p.split('\n').length - 1;
        if (k > 0) assert.match(p, /^---[ \t\r\n]/, 'a piece starts at a document marker');
        if (k < pieces.length - 1) assert.ok(p.length >= PIECE_SIZE, 'pieces are not tiny');
      });
      if (text.length > 3 * PIECE_SIZE) assert.ok(pieces.length > 1, 'a large text is cut');
    }),
    { numRuns: 40 },
  );
});

test('a directive stops the cutting (it belongs to the next document)', () => {
  const text = Array.from({ length: 2000 }, (_, i) => (i === 10 ? '%YAML 1.2\n' : '') + doc(i)).join('---\n');
  assert.equal(cut(text, [100_000]).pieces.length, 1);
});

test('a large file loads exactly as the whole text parses: values, positions, warnings', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlbd-pieces-'));
  try {
    const text = Array.from({ length: 9000 }, (_, i) => doc(i)).join('---\n');
    assert.ok(Buffer.byteLength(text) > 1 << 20, 'over the size where pieces start');
    const file = join(dir, 'big.yaml');
    writeFileSync(file, text);
    const loaded = await loadInputs([file]);
    const whole = parseYamlText(text, file);
    assert.equal(loaded.objects.length, 9000);
    assert.equal(loaded.files, 1);
    assert.deepEqual(loaded.objects.map((o) => JSON.stringify(o)), whole.documents.map((d) => JSON.stringify(d.value)));
    loaded.objects.forEach((o, i) => {
      const src = sourceOf(o)!;
      const d = whole.documents[i]!;
      assert.equal(src.docIndex, d.docIndex);
      assert.deepEqual([...src.fields], [...d.fields], `positions of document ${i}`);
    });
    assert.deepEqual(loaded.issues, whole.issues);
    assert.equal(loaded.issues.length, 9000 + 4500, 'the key on: in every document, the value yes in every other');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('invalid UTF-8 deep in a large file is found at its line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlbd-pieces-'));
  try {
    const docs = Array.from({ length: 6000 }, (_, i) => doc(i));
    const before = docs.slice(0, 5000).join('---\n') + '---\n';
    const line = before.split('\n').length;
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, Buffer.concat([Buffer.from(before + 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x'), Buffer.from([0xff, 0xfe, 0x41]), Buffer.from('\n---\n' + docs.slice(5000).join('---\n'))]));
    const loaded = await loadInputs([file]);
    const bad = loaded.issues.filter((i) => i.kind === 'syntax');
    assert.equal(bad.length, 1);
    assert.equal(bad[0]!.message, 'invalid UTF-8');
    assert.equal(bad[0]!.line, line + 3);
    assert.equal(bad[0]!.column, 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
