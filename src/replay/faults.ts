// Fault mode: what a flaky or locked-down API server does to a client, on demand, so tests can
// prove the tool survives it. A fault is written NAME[=VALUE][@RESOURCES]:
//
//   delay=250ms[@R]        every resource request waits this long first
//   500[=FREQ][@R]         answers 500 InternalError (FREQ: every:N, N%, or a fraction; default all)
//   403@R                  answers 403 Forbidden for these resources, as an RBAC denial
//   reset[=FREQ][@R]       sends half of the body, then resets the connection
//   truncate[=FREQ][@R]    sends half of the body as if it were all of it (invalid JSON, status 200)
//   gone[=FREQ][@R]        watches answer a 410 Gone (Expired) ERROR event and end
//
// R is a comma-separated list of resources as kubectl names them (`pods`, `svc`,
// `bgppeers.metallb.io`). Faults touch only resource requests (lists, gets, watches, logs), never
// /version or discovery, so kubectl still finds its way to the request under test.
import type { ApiResource, ResourceCatalog } from './resources.js';
import { storageKey } from './resources.js';

export type FaultName = 'delay' | '500' | '403' | 'reset' | 'truncate' | 'gone';
const NAMES: readonly FaultName[] = ['delay', '500', '403', 'reset', 'truncate', 'gone'];

export interface Fault {
  name: FaultName;
  /** delay: milliseconds */
  delayMs?: number;
  /** every Nth matching request (1 = all) */
  every?: number;
  /** or this share of matching requests, drawn from a seeded generator */
  rate?: number;
  /** resource names as written; undefined = every resource */
  resources?: string[];
  /** the spec as written, for messages */
  spec: string;
}

export class FaultSpecError extends Error {
  override name = 'FaultSpecError';
}

function parseDuration(v: string, spec: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(v);
  if (!m) throw new FaultSpecError(`--fault ${spec}: "${v}" is not a duration (e.g. 250ms, 2s, 1m)`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000);
}

function parseFrequency(v: string, spec: string): { every?: number; rate?: number } {
  let m = /^every:(\d+)$/.exec(v);
  if (m && Number(m[1]) >= 1) return { every: Number(m[1]) };
  m = /^(\d+(?:\.\d+)?)%$/.exec(v);
  if (m && Number(m[1]) > 0 && Number(m[1]) <= 100) return { rate: Number(m[1]) / 100 };
  if (/^(0?\.\d+|1(\.0+)?)$/.test(v) && Number(v) > 0) return { rate: Number(v) };
  throw new FaultSpecError(`--fault ${spec}: "${v}" is not a frequency (every:N, N%, or a fraction such as 0.25)`);
}

/** Parses one fault spec (see the file's head); throws FaultSpecError with the reason. */
export function parseFault(spec: string): Fault {
  const s = spec.trim();
  const at = s.indexOf('@');
  const head = at < 0 ? s : s.slice(0, at);
  const resources = at < 0 ? undefined : s.slice(at + 1).split(',').map((x) => x.trim()).filter(Boolean);
  if (resources !== undefined && resources.length === 0) throw new FaultSpecError(`--fault ${spec}: no resource after "@"`);
  const eq = head.indexOf('=');
  const name = (eq < 0 ? head : head.slice(0, eq)).trim().toLowerCase();
  const value = eq < 0 ? undefined : head.slice(eq + 1).trim();
  if (!(NAMES as readonly string[]).includes(name)) throw new FaultSpecError(`--fault ${spec}: unknown fault "${name}" (one of ${NAMES.join(', ')})`);
  const f: Fault = { name: name as FaultName, spec: s, resources };
  if (f.name === 'delay') {
    if (!value) throw new FaultSpecError(`--fault ${spec}: delay needs a duration (delay=250ms)`);
    f.delayMs = parseDuration(value, s);
  } else if (f.name === '403') {
    if (value !== undefined) throw new FaultSpecError(`--fault ${spec}: 403 takes resources, not a value (403@pods,services)`);
    if (!resources) throw new FaultSpecError(`--fault ${spec}: 403 needs the resources it forbids (403@pods,services)`);
  } else if (value !== undefined) {
    Object.assign(f, parseFrequency(value, s));
  }
  if (f.every === undefined && f.rate === undefined) f.every = 1;
  return f;
}

/** What a request suffers. */
export interface FaultDecision {
  delayMs: number;
  status?: 403 | 500;
  /** how the body is cut (non-watch responses) */
  body?: 'reset' | 'truncate';
  /** a watch ends with 410 Gone */
  gone: boolean;
  /** the specs that fired, for the request log */
  fired: string[];
}

/** mulberry32: a small seeded generator, so a rate gives the same failures on every run */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Armed {
  fault: Fault;
  /** storage keys (group/kind) the fault applies to; undefined = all */
  keys?: Set<string>;
  count: number;
  random: () => number;
}

/** The faults of one server, resolved against its resources, with their counters. */
export class FaultPlan {
  private readonly armed: Armed[];

  /** Throws FaultSpecError when a fault names a resource the server does not have. */
  constructor(faults: readonly Fault[], catalog: ResourceCatalog) {
    this.armed = faults.map((fault, i) => {
      let keys: Set<string> | undefined;
      if (fault.resources) {
        keys = new Set();
        for (const name of fault.resources) {
          const found = catalog.match(name);
          if (found.length === 0) throw new FaultSpecError(`--fault ${fault.spec}: the server has no resource "${name}"`);
          for (const r of found) keys.add(storageKey(r.group, r.kind));
        }
      }
      return { fault, keys, count: 0, random: generator(0x5eed + i) };
    });
  }

  get empty(): boolean {
    return this.armed.length === 0;
  }

  /** Decides the faults of one resource request (counting it for each fault that applies). */
  decide(r: ApiResource, kind: 'read' | 'watch'): FaultDecision {
    const d: FaultDecision = { delayMs: 0, gone: false, fired: [] };
    const key = storageKey(r.group, r.kind);
    for (const a of this.armed) {
      const f = a.fault;
      if (a.keys && !a.keys.has(key)) continue;
      if ((f.name === 'reset' || f.name === 'truncate') && kind === 'watch') continue;
      if (f.name === 'gone' && kind !== 'watch') continue;
      a.count++;
      const hit = f.every !== undefined ? a.count % f.every === 0 : a.random() < (f.rate ?? 0);
      if (!hit) continue;
      d.fired.push(f.spec);
      if (f.name === 'delay') d.delayMs += f.delayMs ?? 0;
      else if (f.name === '403') d.status = 403;
      else if (f.name === '500') d.status ??= 500;
      else if (f.name === 'gone') d.gone = true;
      else d.body ??= f.name;
    }
    return d;
  }
}
