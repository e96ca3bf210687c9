// Shared by the live-source tests: reports compared without what differs by nature between a live
// read and --from (file positions, the source, the input counts, order), and gap kinds.
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../replay/helpers.js';

type Json = Record<string, unknown>;

const byKey = (...keys: string[]) => (a: Json, b: Json) => {
  const ka = keys.map((k) => String(a[k] ?? '')).join('\u0000');
  const kb = keys.map((k) => String(b[k] ?? '')).join('\u0000');
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * A diag/explain report as both paths must agree on: positions, source, input counts and order set
 * aside. `orderFree` also sets aside the order of names inside messages and objects: an API server
 * lists objects sorted by namespace and name, where manifests "as given" keep the files' order.
 */
export function comparable(report: Json, orderFree = false): Json {
  const r = structuredClone(report);
  if (orderFree) {
    const words = (s: unknown) => String(s).split(/[\s,;:()"]+/).filter(Boolean).sort().join(' ');
    for (const f of (r.findings as Json[] | undefined) ?? []) {
      f.message = words(f.message);
      f.evidence = ((f.evidence as string[]) ?? []).map(words).sort();
      (f.objects as Json[]).sort(byKey('kind', 'namespace', 'name'));
    }
    for (const c of (r.checks as Json[] | undefined) ?? []) c.message = words(c.message);
  }
  delete r.source;
  delete r.input;
  delete r.gaps;
  for (const f of (r.findings as Json[] | undefined) ?? []) for (const o of (f.objects as Json[]) ?? []) for (const k of ['file', 'line', 'column']) delete o[k];
  (r.findings as Json[] | undefined)?.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  (r.pools as Json[] | undefined)?.sort(byKey('name'));
  (r.services as Json[] | undefined)?.sort(byKey('namespace', 'name'));
  (r.nodes as Json[] | undefined)?.sort(byKey('name'));
  (r.pods as Json[] | undefined)?.sort(byKey('namespace', 'name'));
  for (const a of (r.advertisements as Json[] | undefined) ?? []) (a.pools as string[] | undefined)?.sort();
  (r.advertisements as Json[] | undefined)?.sort(byKey('kind', 'name'));
  return r;
}

/** The kinds a report's gaps leave unknown: `kind` where the live read says, else from "list Kind". */
export function gapKinds(report: Json): string[] {
  const out = new Set<string>();
  for (const g of (report.gaps as Json[] | undefined) ?? []) {
    if (typeof g.kind === 'string') out.add(g.kind);
    else {
      const m = /^list (\S+)$/.exec(String(g.what));
      if (m) out.add(m[1]!);
    }
  }
  return [...out].sort();
}

/** A copy of a bundle directory with bundle.json changed by fn; the caller removes the directory. */
export function bundleVariant(src: string, fn: (manifest: Json) => void): string {
  const dir = join(tempDir('mlbd-live-'), 'bundle');
  cpSync(src, dir, { recursive: true });
  const file = join(dir, 'bundle.json');
  const m = JSON.parse(readFileSync(file, 'utf8')) as Json;
  fn(m);
  writeFileSync(file, JSON.stringify(m, null, 2));
  return dir;
}
