// Label and field selectors as the API server parses them (`labelSelector=`, `fieldSelector=`),
// with the field labels each kind supports: an unknown one is a 400, as on a real server.
import type { KubeObject } from '../sources/types.js';
import { asRecord } from '../state/cluster-state.js';
import { storageKey, type ApiResource } from './resources.js';

export { SelectorError, parseLabelSelector, matchesLabels, type LabelOp, type LabelRequirement } from '../model/label-selector-text.js';
import { SelectorError } from '../model/label-selector-text.js';

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
