// Label and field selectors as the API server parses them (`labelSelector=`, `fieldSelector=`),
// with the field labels each kind supports: an unknown one is a 400, as on a real server.
import type { KubeObject } from '../sources/types.js';
import { asRecord } from '../state/cluster-state.js';
import { storageKey, type ApiResource } from './resources.js';

/** A selector the server cannot parse or does not support: 400 BadRequest with this message. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

export type LabelOp = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

type Token = { t: 'id'; v: string } | { t: 'op'; v: string };

const SPECIAL = new Set([',', '(', ')', '=', '!', '<', '>', ' ', '\t', '\n', '\r']);

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '!' && s[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
    } else if (c === '=' && s[i + 1] === '=') {
      out.push({ t: 'op', v: '==' });
      i += 2;
    } else if (SPECIAL.has(c)) {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !SPECIAL.has(s[j]!)) j++;
      out.push({ t: 'id', v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** Parses a label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-joined. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const tokens = tokenize(selector);
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new SelectorError(`unable to parse requirement: ${why}`);
  };
  const id = (what: string): string => {
    const t = tokens[i];
    if (t?.t !== 'id') return fail(`found '${t?.v ?? ''}', expected: ${what}`);
    i++;
    return t.v;
  };
  while (i < tokens.length) {
    if (tokens[i]?.v === '!') {
      i++;
      reqs.push({ key: id('identifier after \'!\''), op: '!', values: [] });
    } else {
      const key = id('identifier');
      const t = tokens[i];
      if (t === undefined || (t.t === 'op' && t.v === ',')) {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (t.t === 'op' && (t.v === '=' || t.v === '==' || t.v === '!=')) {
        i++;
        const next = tokens[i];
        const value = next?.t === 'id' ? (i++, next.v) : ''; // `a=` selects the empty value
        reqs.push({ key, op: t.v === '!=' ? '!=' : '=', values: [value] });
      } else if (t.t === 'op' && (t.v === '>' || t.v === '<')) {
        i++;
        const v = id('integer value');
        if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op: t.v === '>' ? 'gt' : 'lt', values: [v] });
      } else if (t.t === 'id' && (t.v === 'in' || t.v === 'notin')) {
        i++;
        if (tokens[i]?.v !== '(') fail(`found '${tokens[i]?.v ?? ''}', expected: '('`);
        i++;
        const values: string[] = [];
        while (tokens[i]?.v !== ')') {
          if (i >= tokens.length) fail(`found '', expected: ')'`);
          const v = tokens[i]!;
          if (v.t === 'id') values.push(v.v);
          else if (v.v !== ',') fail(`found '${v.v}', expected: ',', ')' or identifier`);
          i++;
        }
        i++;
        if (values.length === 0) fail(`for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ key, op: t.v, values });
      } else {
        fail(`found '${t.v}', expected: '=', '!=', '==', 'in', notin'`);
      }
    }
    const sep = tokens[i];
    if (sep === undefined) break;
    if (sep.v !== ',') fail(`found '${sep.v}', expected: ',' or 'end of string'`);
    i++;
    if (i >= tokens.length) fail(`found '', expected: identifier`);
  }
  return reqs;
}

export function matchesLabels(reqs: readonly LabelRequirement[], labels: Record<string, unknown> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? String(l[r.key]) : undefined;
    switch (r.op) {
      case '=':
        return v === r.values[0];
      case '!=':
        return v !== r.values[0];
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        return r.op === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
      }
    }
  });
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

function unescapeField(v: string): string {
  return v.replace(/\\(.)/g, '$1');
}

/** Parses a field selector: `a.b=c`, `a.b==c`, `a.b!=c`, comma-joined (`\,` `\=` `\\` escape). */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const terms: string[] = [];
  let cur = '';
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (c === '\\' && i + 1 < selector.length) {
      cur += c + selector[++i];
    } else if (c === ',') {
      terms.push(cur);
      cur = '';
    } else cur += c;
  }
  terms.push(cur);
  const out: FieldRequirement[] = [];
  for (const term of terms) {
    if (term.trim() === '') continue;
    const m = /^([^=!]*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    out.push({ field: m[1]!.trim(), op: m[2] === '!=' ? '!=' : '=', value: unescapeField(m[3]!) });
  }
  return out;
}

const COMMON_FIELDS = ['metadata.name', 'metadata.namespace'];
const EVENT_FIELDS = [
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
];

/** The field labels a resource supports besides metadata.name and metadata.namespace. */
function kindFields(r: ApiResource, kubeMinor: number): string[] {
  if (r.selectableFields) return r.selectableFields;
  switch (storageKey(r.group, r.kind)) {
    case '/Pod':
      return ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.nominatedNodeName'];
    case '/Service':
      // kubernetes/kubernetes#123905: only from 1.31; older servers answer 400
      return kubeMinor >= 31 ? ['spec.type', 'spec.clusterIP'] : [];
    case '/Node':
      return ['spec.unschedulable'];
    case '/Event':
      return EVENT_FIELDS;
    case '/Secret':
      return ['type'];
    case '/Namespace':
      return ['status.phase'];
    case '/ReplicationController':
    case 'apps/ReplicaSet':
      return ['status.replicas'];
    case 'batch/Job':
      return ['status.successful'];
    case 'certificates.k8s.io/CertificateSigningRequest':
      return ['spec.signerName'];
    default:
      return [];
  }
}

function path(obj: unknown, dotted: string): unknown {
  let v: unknown = obj;
  for (const k of dotted.split('.')) v = asRecord(v)[k];
  return v;
}

/** A field's value as the server's field set has it: a missing field is "", booleans "true"/"false". */
export function fieldValue(obj: KubeObject, field: string): string {
  let v: unknown;
  if (obj.kind === 'Event' && field.startsWith('involvedObject.')) {
    v = path(obj, field) ?? path(obj, `regarding.${field.slice('involvedObject.'.length)}`);
  } else if (obj.kind === 'Event' && field === 'source') {
    v = path(obj, 'source.component') ?? path(obj, 'deprecatedSource.component');
  } else if (obj.kind === 'Event' && field === 'reportingComponent') {
    v = obj.reportingComponent ?? obj.reportingController;
  } else {
    v = path(obj, field);
  }
  if (v === undefined || v === null) return field === 'spec.unschedulable' || field === 'spec.hostNetwork' ? 'false' : '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Checks a parsed field selector against the resource's field labels. */
export function checkFields(reqs: readonly FieldRequirement[], r: ApiResource, kubeMinor: number): void {
  const allowed = new Set([...COMMON_FIELDS, ...kindFields(r, kubeMinor)]);
  for (const f of reqs) if (!allowed.has(f.field)) throw new SelectorError(`field label not supported: ${f.field}`);
}

export function matchesFields(reqs: readonly FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((f) => (fieldValue(obj, f.field) === f.value) === (f.op === '='));
}
