// Parsed documents -> Kubernetes objects: List expansion, Secret values dropped, positions attached.

import { compactPositions } from './compact.js';
import type { KubeObject, LoadIssue, ObjectSource } from './types.js';
import { attachSource, unpackPos } from './types.js';
import type { ParsedText, PositionMap } from './parsed.js';
import type { LazyFilePositions } from './lazy-json.js';
import { dropSecretValues } from './mask.js';

export interface ObjectsOut {
  objects: KubeObject[];
  issues: LoadIssue[];
  skippedNotKubernetes: number;
}

type Obj = Record<string, unknown>;

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isKube(v: unknown): v is Obj & { apiVersion: string; kind: string } {
  return isPlainObject(v) && typeof v.apiVersion === 'string' && v.apiVersion !== '' && typeof v.kind === 'string' && v.kind !== '';
}

function isSecretValuePath(path: string): boolean {
  return path.startsWith('data\u001f') || path.startsWith('stringData\u001f') || path === 'data' || path === 'stringData';
}

/**
 * An ObjectSource whose positions are found when first asked for (see lazy-json.ts). A class, so
 * that the many objects of a bundle share its getters instead of carrying their own.
 */
class LazySource implements ObjectSource {
  listIndex?: number;
  private pm: PositionMap | undefined;
  private compacted: ReadonlyMap<string, number> | undefined;
  constructor(
    private readonly lazy: LazyFilePositions,
    readonly file: string,
    readonly docIndex: number,
    listIndex: number | undefined,
  ) {
    if (listIndex !== undefined) this.listIndex = listIndex;
  }
  private get map(): PositionMap {
    return (this.pm ??= this.lazy.positions(this.docIndex, this.listIndex));
  }
  get line(): number {
    return unpackPos(this.map.pos).line;
  }
  get column(): number {
    return unpackPos(this.map.pos).column;
  }
  get fields(): ReadonlyMap<string, number> {
    const f = this.map.fields;
    return (this.compacted ??= f instanceof Map ? compactPositions(f as Map<string, number>) : f);
  }
}

/** The position table of an item whose positions are found lazily: never read. */
const NO_POSITIONS: PositionMap = { pos: 0, fields: new Map() };

function makeObject(v: Obj, pm: PositionMap, file: string, docIndex: number, listIndex?: number, lazy?: LazyFilePositions): KubeObject {
  if (v.kind === 'Secret') dropSecretValues(v);
  // Every later layer reads obj.metadata.name: a missing or mistyped metadata becomes {} (the
  // schema rule still sees the name missing).
  if (!isPlainObject(v.metadata)) v.metadata = {};
  if (lazy) return attachSource(v as KubeObject, new LazySource(lazy, file, docIndex, listIndex));
  const { line, column } = unpackPos(pm.pos);
  const src: ObjectSource = { file, line, column, docIndex, fields: pm.fields instanceof Map ? compactPositions(pm.fields) : pm.fields };
  if (listIndex !== undefined) src.listIndex = listIndex;
  if (pm.literalBlocks) src.literalBlocks = pm.literalBlocks;
  return attachSource(v as KubeObject, src);
}

/**
 * Turns the documents of one file into objects. Documents that are not Kubernetes objects
 * are counted, and their warnings dropped (a Helm values file is not read by Kubernetes).
 */
export function collectObjects(parsed: ParsedText, file: string, out: ObjectsOut, lazy?: LazyFilePositions): void {
  for (const i of parsed.issues) if (i.kind === 'syntax') out.issues.push(i);
  for (const doc of parsed.documents) {
    const v = doc.value;
    if (!isKube(v)) {
      out.skippedNotKubernetes++;
      continue;
    }
    const items = v.items;
    const isList = v.kind.endsWith('List') && Array.isArray(items);
    const secretItems = new Set<number>();
    if (isList) {
      // kubectl prints kind: List with full items; the API's typed lists (IPAddressPoolList)
      // omit the items' kind and apiVersion, which are the list's.
      const itemKind = v.kind === 'List' ? undefined : v.kind.slice(0, -'List'.length);
      for (let i = 0; i < items.length; i++) {
        const it: unknown = items[i];
        if (isPlainObject(it) && itemKind !== undefined) {
          if (it.kind === undefined) it.kind = itemKind;
          if (it.apiVersion === undefined) it.apiVersion = v.apiVersion;
        }
        if (!isKube(it)) {
          out.skippedNotKubernetes++;
          continue;
        }
        if (it.kind === 'Secret') secretItems.add(i);
        // (positions found later need no table now)
        const pm = doc.items?.[i] ?? (lazy ? NO_POSITIONS : { pos: doc.pos, fields: new Map<string, number>() });
        out.objects.push(makeObject(it, pm, file, doc.docIndex, i, lazy));
      }
    } else {
      let pm: PositionMap = doc;
      if (doc.items) {
        // Not a List: its `items` positions belong to the object itself.
        const fields = new Map(doc.fields);
        const literalBlocks = new Set(doc.literalBlocks ?? []);
        doc.items.forEach((m, i) => {
          for (const [k, p] of m.fields) fields.set(`items\u001f${i}\u001f${k}`, p);
          if (m.literalBlocks) for (const k of m.literalBlocks) literalBlocks.add(`items\u001f${i}\u001f${k}`);
        });
        pm = { pos: doc.pos, fields, ...(literalBlocks.size ? { literalBlocks } : {}) };
      }
      out.objects.push(makeObject(v, pm, file, doc.docIndex, undefined, lazy));
    }
    const secret = v.kind === 'Secret';
    for (const w of doc.warnings) {
      // Warnings about Secret values would tell something about the value; the values are gone anyway.
      const inSecret = w.item !== undefined ? isList && secretItems.has(w.item) : secret;
      if (inSecret && isSecretValuePath(w.path)) continue;
      out.issues.push(w.issue);
    }
  }
}
