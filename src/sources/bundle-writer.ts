// Writes a capture as a bundle (cli.md, "Snapshot bundle layout"): bundle.json, one JSON List
// per kind under resources/, the containers' logs under logs/. A directory, or the same
// directory inside a .tar.gz. Objects are written one at a time, so a large cluster never
// becomes one string in memory; nothing the user already has is overwritten.
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { once } from 'node:events';
import type { Capture } from './live/capture.js';
import type { KubeObject } from './types.js';
import { InputError } from './types.js';

const TARBALL = /\.(tar\.gz|tgz)$/i;

/** `Pod.json`, `IPAddressPool.metallb.io.json`: the kind, and the group of all but core and apps kinds. */
export function resourceFileName(o: KubeObject): string {
  const av = typeof o.apiVersion === 'string' ? o.apiVersion : 'v1';
  const group = av.includes('/') ? av.slice(0, av.indexOf('/')) : '';
  const plain = group === '' || !group.includes('.') ? '' : `.${group}`;
  return `${o.kind}${plain}.json`.replace(/[^A-Za-z0-9._-]/g, '_');
}

const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_');

async function writeList(file: string, items: KubeObject[]): Promise<void> {
  const out = createWriteStream(file, { flags: 'wx' });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{"apiVersion":"v1","kind":"List","metadata":{},"items":[');
  for (let i = 0; i < items.length; i++) await write(`${i ? ',' : ''}\n${JSON.stringify(items[i])}`);
  await write('\n]}\n');
  out.end();
  await once(out, 'close');
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writeTree(dir: string, capture: Capture): Promise<{ files: number; objects: number }> {
  await mkdir(join(dir, 'resources'), { recursive: true });
  const byFile = new Map<string, KubeObject[]>();
  for (const o of capture.load.objects) {
    const f = resourceFileName(o);
    const list = byFile.get(f) ?? [];
    list.push(o);
    byFile.set(f, list);
  }
  let files = 0;
  for (const [f, items] of [...byFile].sort(([a], [b]) => a.localeCompare(b))) {
    await writeList(join(dir, 'resources', f), items);
    files++;
  }
  for (const l of capture.logs) {
    const d = join(dir, 'logs', safe(l.namespace), safe(l.pod));
    await mkdir(d, { recursive: true });
    await writeFile(join(d, `${safe(l.container)}${l.previous ? '.previous' : ''}.log`), l.text, { flag: 'wx' });
    files++;
  }
  for (const m of capture.load.metrics ?? []) {
    if (m.text === undefined) continue;
    const d = join(dir, 'metrics', safe(m.namespace), safe(m.pod));
    await mkdir(d, { recursive: true });
    await writeFile(join(d, `${safe(m.port)}.prom`), m.text, { flag: 'wx' });
    files++;
  }
  const manifest = { ...capture.load.bundle, requests: Object.fromEntries(capture.requests) };
  await writeFile(join(dir, 'bundle.json'), `${JSON.stringify(manifest, null, 2)}\n`, { flag: 'wx' });
  return { files: files + 1, objects: capture.load.objects.length };
}

/**
 * Writes the bundle to PATH (a directory, which must not exist or be empty, or a .tar.gz that must
 * not exist). A half-written bundle is removed: the user is left with a whole bundle or none.
 */
export async function writeBundle(path: string, capture: Capture): Promise<{ path: string; files: number; objects: number }> {
  const target = resolve(path);
  if (TARBALL.test(path)) {
    if (await exists(target)) throw new InputError(path, 'already exists: a snapshot never overwrites a file; choose another name');
    const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.`));
    try {
      const top = basename(target).replace(TARBALL, '');
      const r = await writeTree(join(tmp, top), capture);
      const partial = `${target}.partial`;
      const { create: createTar } = await import('tar');
      await createTar({ gzip: true, file: partial, cwd: tmp, portable: true }, [top]);
      await rename(partial, target);
      return { path, ...r };
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  const existed = await exists(target);
  if (existed) {
    const entries = await readdir(target).catch(() => {
      throw new InputError(path, 'already exists and is not a directory: a snapshot never overwrites a file');
    });
    if (entries.length > 0) throw new InputError(path, 'already exists and is not empty: a snapshot never overwrites files; choose another directory');
  }
  try {
    return { path, ...(await writeTree(target, capture)) };
  } catch (e) {
    // what this run wrote goes; an empty directory the user made stays
    if (existed) for (const f of await readdir(target).catch(() => [] as string[])) await rm(join(target, f), { recursive: true, force: true });
    else await rm(target, { recursive: true, force: true });
    throw e;
  }
}
