// Server-side Tables (meta.k8s.io/v1 Table): what human-readable `kubectl get` asks for, so it
// prints the columns it prints on a real cluster. The core kinds copy Kubernetes' printers
// (pkg/printers/internalversion/printers.go); custom resources take their CRD's
// additionalPrinterColumns (apiextensions-apiserver's tableconvertor); anything else NAME and AGE.
// The server computes every cell, including the -o wide ones (priority 1), as a real one does.
import type { KubeObject } from '../sources/types.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import { storageKey, type ApiResource, type PrinterColumn } from './resources.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  /** milliseconds since the epoch that AGE is computed against */
  now: number;
  includeObject: IncludeObject;
  /** meta.k8s.io/v1 or meta.k8s.io/v1beta1, as asked */
  apiVersion: string;
  resourceVersion: string;
  /** the continue token of a paged list */
  continue?: string;
}

type Cell = string | number | boolean | null;
interface Printer {
  columns: ColumnDefinition[];
  cells(obj: KubeObject, now: number): Cell[];
}

const col = (name: string, type = 'string', priority = 0, description = '', format = ''): ColumnDefinition => ({ name, type, format, description, priority });
const NAME = col('Name', 'string', 0, 'Name must be unique within a namespace.', 'name');
const AGE = col('Age', 'string', 0, 'CreationTimestamp is a timestamp representing the server time when this object was created.');

const rec = asRecord;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** k8s.io/apimachinery/pkg/util/duration.HumanDuration */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** translateTimestampSince: "<unknown>" without a timestamp. */
function since(ts: unknown, now: number): string {
  const t = typeof ts === 'string' ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now - t);
}

const age = (o: KubeObject, now: number) => since(o.metadata?.creationTimestamp, now);

/** labels.FormatLabels: sorted k=v pairs, "<none>" when empty. */
function formatLabels(m: unknown): string {
  const entries = Object.entries(rec(m)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length ? entries.map(([k, v]) => `${k}=${String(v)}`).join(',') : '<none>';
}

/** metav1.FormatLabelSelector */
function formatLabelSelector(sel: unknown): string {
  const s = rec(sel);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(rec(s.matchLabels)).sort(([a], [b]) => (a < b ? -1 : 1))) parts.push(`${k}=${String(v)}`);
  for (const e of asArray(s.matchExpressions).map(rec)) {
    const values = asArray(e.values).map(String).join(',');
    if (e.operator === 'In') parts.push(`${str(e.key)} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${str(e.key)} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(str(e.key));
    else if (e.operator === 'DoesNotExist') parts.push(`!${str(e.key)}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function listWithMore(list: string[], count: number, more: boolean): string {
  const ret = list.join(',');
  return more ? `${ret} + ${count - list.length} more...` : ret;
}

// ---------------------------------------------------------------------------------------------
// Pod

function podCells(pod: KubeObject, now: number): Cell[] {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const initSpecs = asArray(spec.initContainers).map(rec);
  const restartable = (name: unknown) => initSpecs.some((c) => c.name === name && c.restartPolicy === 'Always');
  const total = asArray(spec.containers).length + initSpecs.filter((c) => c.restartPolicy === 'Always').length;
  let ready = 0;
  let restarts = 0;
  let restartableRestarts = 0;
  let lastRestart = 0;
  let lastRestartableRestart = 0;
  let reason = str(status.reason) || str(status.phase);
  for (const c of asArray(status.conditions).map(rec)) if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  const finishedAt = (cs: Record<string, unknown>) => {
    const t = Date.parse(str(rec(rec(cs.lastState).terminated).finishedAt));
    return Number.isNaN(t) ? 0 : t;
  };

  let initializing = false;
  const initStatuses = asArray(status.initContainerStatuses).map(rec);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += num(cs.restartCount);
    lastRestart = Math.max(lastRestart, finishedAt(cs));
    if (restartable(cs.name)) {
      restartableRestarts += num(cs.restartCount);
      lastRestartableRestart = Math.max(lastRestartableRestart, finishedAt(cs));
    }
    const state = rec(cs.state);
    const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
    const waiting = state.waiting === undefined ? undefined : rec(state.waiting);
    if (terminated && num(terminated.exitCode) === 0) continue;
    if (restartable(cs.name) && cs.started === true) {
      if (cs.ready === true) ready++;
      continue;
    }
    if (terminated) {
      reason = str(terminated.reason)
        ? `Init:${str(terminated.reason)}`
        : num(terminated.signal) !== 0
          ? `Init:Signal:${num(terminated.signal)}`
          : `Init:ExitCode:${num(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  const initialized = asArray(status.conditions).some((c) => rec(c).type === 'Initialized' && rec(c).status === 'True');
  if (!initializing || initialized) {
    restarts = restartableRestarts;
    lastRestart = lastRestartableRestart;
    let hasRunning = false;
    const statuses = asArray(status.containerStatuses).map(rec);
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += num(cs.restartCount);
      lastRestart = Math.max(lastRestart, finishedAt(cs));
      const state = rec(cs.state);
      const waiting = rec(state.waiting);
      const terminated = state.terminated === undefined ? undefined : rec(state.terminated);
      if (str(waiting.reason)) reason = str(waiting.reason);
      else if (terminated && str(terminated.reason)) reason = str(terminated.reason);
      else if (terminated) reason = num(terminated.signal) !== 0 ? `Signal:${num(terminated.signal)}` : `ExitCode:${num(terminated.exitCode)}`;
      else if (cs.ready === true && state.running !== undefined) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = asArray(status.conditions).some((c) => rec(c).type === 'Ready' && rec(c).status === 'True') ? 'Running' : 'NotReady';
    }
  }
  const deleting = pod.metadata?.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
  if (deleting && status.reason === 'NodeLost') reason = 'Unknown';
  else if (deleting && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';

  const restartsText = restarts !== 0 && lastRestart !== 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  const podIPs = asArray(status.podIPs).map(rec);
  const ip = str(podIPs[0]?.ip) || str(status.podIP) || '<none>';
  const gates = asArray(spec.readinessGates).map(rec);
  let gatesText = '<none>';
  if (gates.length) {
    const conditions = asArray(status.conditions).map(rec);
    const trueCount = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
    gatesText = `${trueCount}/${gates.length}`;
  }
  return [
    str(pod.metadata?.name),
    `${ready}/${total}`,
    reason,
    restartsText,
    age(pod, now),
    ip,
    str(spec.nodeName) || '<none>',
    str(status.nominatedNodeName) || '<none>',
    gatesText,
  ];
}

// ---------------------------------------------------------------------------------------------
// Service

function loadBalancerStatus(svc: KubeObject, wide: boolean): string {
  const ingress = asArray(rec(rec(svc.status).loadBalancer).ingress).map(rec);
  const r = ingress.map((i) => str(i.ip) || str(i.hostname)).filter(Boolean).join(',');
  return !wide && r.length > 16 ? `${r.slice(0, 13)}...` : r;
}

function serviceExternalIP(svc: KubeObject): string {
  const spec = rec(svc.spec);
  const externalIPs = asArray(spec.externalIPs).map(String);
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(svc, false);
      if (externalIPs.length) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return str(spec.externalName);
    default:
      return '<unknown>';
  }
}

function servicePorts(svc: KubeObject): string {
  const ports = asArray(rec(svc.spec).ports).map(rec);
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => {
      const proto = str(p.protocol) || 'TCP';
      return num(p.nodePort) !== 0 ? `${num(p.port)}:${num(p.nodePort)}/${proto}` : `${num(p.port)}/${proto}`;
    })
    .join(',');
}

function serviceCells(svc: KubeObject, now: number): Cell[] {
  const spec = rec(svc.spec);
  return [str(svc.metadata?.name), str(spec.type) || 'ClusterIP', str(spec.clusterIP) || '<none>', serviceExternalIP(svc), servicePorts(svc), age(svc, now), formatLabels(spec.selector)];
}

// ---------------------------------------------------------------------------------------------
// Node

function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v) roles.add(String(v));
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeCells(node: KubeObject, now: number): Cell[] {
  const status = rec(node.status);
  const conditions = asArray(status.conditions).map(rec);
  const states: string[] = [];
  const ready = conditions.find((c) => c.type === 'Ready');
  if (ready) states.push(ready.status === 'True' ? 'Ready' : 'NotReady');
  if (states.length === 0) states.push('Unknown');
  if (rec(node.spec).unschedulable === true) states.push('SchedulingDisabled');
  const info = rec(status.nodeInfo);
  const address = (type: string) => str(asArray(status.addresses).map(rec).find((a) => a.type === type)?.address) || '<none>';
  return [
    str(node.metadata?.name),
    states.join(','),
    nodeRoles(node),
    age(node, now),
    str(info.kubeletVersion),
    address('InternalIP'),
    address('ExternalIP'),
    str(info.osImage) || '<unknown>',
    str(info.kernelVersion) || '<unknown>',
    str(info.containerRuntimeVersion) || '<unknown>',
  ];
}

// ---------------------------------------------------------------------------------------------
// Event (core/v1, or events.k8s.io/v1 read through the same printer)

function eventCells(e: KubeObject, now: number): Cell[] {
  const involved = rec(e.involvedObject ?? e.regarding);
  const source = rec(e.source ?? e.deprecatedSource);
  const first = e.firstTimestamp ?? e.deprecatedFirstTimestamp;
  const firstSeen = first ? since(first, now) : since(e.eventTime, now);
  let lastSeen = (e.lastTimestamp ?? e.deprecatedLastTimestamp) ? since(e.lastTimestamp ?? e.deprecatedLastTimestamp, now) : firstSeen;
  let count = num(e.count ?? e.deprecatedCount);
  if (e.series !== undefined && e.series !== null) {
    lastSeen = since(rec(e.series).lastObservedTime, now);
    count = num(rec(e.series).count);
  } else if (count === 0) count = 1; // singleton events of the new API have no count
  const name = str(involved.name);
  const kind = str(involved.kind).toLowerCase();
  const component = str(source.component) || str(e.reportingComponent ?? e.reportingController);
  const instance = str(source.host) || str(e.reportingInstance);
  return [
    lastSeen,
    str(e.type),
    str(e.reason),
    name ? `${kind}/${name}` : kind,
    str(involved.fieldPath),
    instance ? `${component}, ${instance}` : component,
    str(e.message ?? e.note).trim(),
    firstSeen,
    count,
    str(e.metadata?.name),
  ];
}

// ---------------------------------------------------------------------------------------------
// Workloads, config and the rest of what MetalLB's namespace holds

function containersOf(template: unknown): { names: string; images: string } {
  const cs = asArray(rec(rec(template).spec).containers).map(rec);
  return { names: cs.map((c) => str(c.name)).join(','), images: cs.map((c) => str(c.image)).join(',') };
}

function deploymentCells(d: KubeObject, now: number): Cell[] {
  const spec = rec(d.spec);
  const status = rec(d.status);
  const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const c = containersOf(spec.template);
  return [str(d.metadata?.name), `${num(status.readyReplicas)}/${desired}`, num(status.updatedReplicas), num(status.availableReplicas), age(d, now), c.names, c.images, formatLabelSelector(spec.selector)];
}

function daemonSetCells(d: KubeObject, now: number): Cell[] {
  const spec = rec(d.spec);
  const status = rec(d.status);
  const c = containersOf(spec.template);
  return [
    str(d.metadata?.name),
    num(status.desiredNumberScheduled),
    num(status.currentNumberScheduled),
    num(status.numberReady),
    num(status.updatedNumberScheduled),
    num(status.numberAvailable),
    formatLabels(rec(rec(spec.template).spec).nodeSelector),
    age(d, now),
    c.names,
    c.images,
    formatLabelSelector(spec.selector),
  ];
}

function endpointsText(ep: KubeObject): string {
  const subsets = asArray(ep.subsets).map(rec);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (s: string) => {
    if (list.length === 3) more = true;
    else list.push(s);
  };
  for (const ss of subsets) {
    const addresses = asArray(ss.addresses).map(rec);
    const ports = asArray(ss.ports).map(rec);
    if (ports.length === 0) {
      count += addresses.length;
      for (const a of addresses) add(str(a.ip));
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) add(str(a.ip).includes(':') ? `[${str(a.ip)}]:${num(p.port)}` : `${str(a.ip)}:${num(p.port)}`);
    }
  }
  return more ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

function endpointSliceCells(s: KubeObject, now: number): Cell[] {
  const ports = asArray(s.ports).map(rec);
  let portsText = '<unset>';
  if (ports.length) {
    const list: string[] = [];
    for (const p of ports) if (list.length < 3) list.push(typeof p.port === 'number' ? String(p.port) : '<unset>');
    portsText = listWithMore(list, ports.length, ports.length > 3);
  }
  const endpoints = asArray(s.endpoints).map(rec);
  let endpointsText = '<unset>';
  if (endpoints.length) {
    const list: string[] = [];
    let count = 0;
    for (const e of endpoints)
      for (const a of asArray(e.addresses)) {
        if (list.length < 3) list.push(String(a));
        count++;
      }
    endpointsText = listWithMore(list, count, count > 3);
  }
  return [str(s.metadata?.name), str(s.addressType), portsText, endpointsText, age(s, now)];
}

const dataCount = (o: KubeObject) => Object.keys(rec(o.data)).length + Object.keys(rec(o.binaryData)).length;

const PRINTERS: Record<string, Printer> = {
  '/Pod': {
    columns: [NAME, col('Ready'), col('Status'), col('Restarts'), AGE, col('IP', 'string', 1), col('Node', 'string', 1), col('Nominated Node', 'string', 1), col('Readiness Gates', 'string', 1)],
    cells: podCells,
  },
  '/Service': {
    columns: [NAME, col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), AGE, col('Selector', 'string', 1)],
    cells: serviceCells,
  },
  '/Node': {
    columns: [NAME, col('Status'), col('Roles'), AGE, col('Version'), col('Internal-IP', 'string', 1), col('External-IP', 'string', 1), col('OS-Image', 'string', 1), col('Kernel-Version', 'string', 1), col('Container-Runtime', 'string', 1)],
    cells: nodeCells,
  },
  '/Namespace': { columns: [NAME, col('Status'), AGE], cells: (o, now) => [str(o.metadata?.name), str(rec(o.status).phase), age(o, now)] },
  '/Event': {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Subobject', 'string', 1), col('Source', 'string', 1), col('Message'), col('First Seen', 'string', 1), col('Count', 'string', 1), col('Name', 'string', 1, '', 'name')],
    cells: eventCells,
  },
  '/ConfigMap': { columns: [NAME, col('Data', 'integer'), AGE], cells: (o, now) => [str(o.metadata?.name), dataCount(o), age(o, now)] },
  '/Secret': { columns: [NAME, col('Type'), col('Data', 'integer'), AGE], cells: (o, now) => [str(o.metadata?.name), str(o.type), dataCount(o), age(o, now)] },
  '/Endpoints': { columns: [NAME, col('Endpoints'), AGE], cells: (o, now) => [str(o.metadata?.name), endpointsText(o), age(o, now)] },
  'discovery.k8s.io/EndpointSlice': { columns: [NAME, col('AddressType'), col('Ports'), col('Endpoints'), AGE], cells: endpointSliceCells },
  'apps/Deployment': {
    columns: [NAME, col('Ready'), col('Up-to-date', 'integer'), col('Available', 'integer'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: deploymentCells,
  },
  'apps/DaemonSet': {
    columns: [NAME, col('Desired', 'integer'), col('Current', 'integer'), col('Ready', 'integer'), col('Up-to-date', 'integer'), col('Available', 'integer'), col('Node Selector'), AGE, col('Containers', 'string', 1), col('Images', 'string', 1), col('Selector', 'string', 1)],
    cells: daemonSetCells,
  },
  // CRDs are served by the apiextensions server with the default table convertor
  'apiextensions.k8s.io/CustomResourceDefinition': {
    columns: [NAME, col('Created At', 'date', 0, 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
    cells: (o) => {
      const t = Date.parse(str(o.metadata?.creationTimestamp));
      return [str(o.metadata?.name), Number.isNaN(t) ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')];
    },
  },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': {
    columns: [NAME, col('Webhooks', 'integer'), AGE],
    cells: (o, now) => [str(o.metadata?.name), asArray(o.webhooks).length, age(o, now)],
  },
};

// ---------------------------------------------------------------------------------------------
// Custom resources

/** A simple JSONPath (`.status.node`, `.spec.addresses[0]`): its value, or undefined. */
function jsonPathValue(obj: unknown, path: string): unknown {
  const p = path.trim().replace(/^\{?\$?/, '').replace(/\}$/, '');
  let v: unknown = obj;
  for (const m of p.matchAll(/\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]/g)) {
    if (v === undefined || v === null) return undefined;
    if (m[2] !== undefined) v = Array.isArray(v) ? v[Number(m[2])] : undefined;
    else v = (v as Record<string, unknown>)[m[1] ?? m[3]!];
  }
  return v;
}

/** A printer column's cell, as the CRD table convertor computes it (cellForJSONValue). */
function customCell(c: PrinterColumn, obj: KubeObject, now: number): Cell {
  const v = jsonPathValue(obj, c.jsonPath);
  if (v === undefined || v === null) return null;
  switch (c.type) {
    case 'string':
      // jsonpath's PrintResults: maps and lists as compact JSON, scalars as text
      return typeof v === 'object' ? JSON.stringify(v) : String(v);
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    case 'date': {
      if (typeof v !== 'string') return null;
      const t = Date.parse(v);
      return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
    }
    default:
      return null;
  }
}

function customPrinter(columns: PrinterColumn[]): Printer {
  return {
    columns: [NAME, ...columns.map((c) => col(c.name, c.type, c.priority, c.description ?? '', c.format ?? ''))],
    cells: (o, now) => [str(o.metadata?.name), ...columns.map((c) => customCell(c, o, now))],
  };
}

const AGE_ONLY: PrinterColumn[] = [{ name: 'Age', type: 'date', priority: 0, jsonPath: '.metadata.creationTimestamp', description: AGE.description }];
const FALLBACK: Printer = { columns: [NAME, AGE], cells: (o, now) => [str(o.metadata?.name), age(o, now)] };

export function printerFor(r: ApiResource): Printer {
  if (r.custom) return customPrinter(r.printerColumns ?? AGE_ONLY);
  return PRINTERS[storageKey(r.group, r.kind)] ?? FALLBACK;
}

function rowObject(o: KubeObject, include: IncludeObject): object | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

/** The Table of objects (a list, one object, or one watch event's object). */
export function buildTable(r: ApiResource, objects: readonly KubeObject[], opts: TableOptions): object {
  const p = printerFor(r);
  return {
    kind: 'Table',
    apiVersion: opts.apiVersion,
    metadata: { resourceVersion: opts.resourceVersion, ...(opts.continue ? { continue: opts.continue } : {}) },
    columnDefinitions: p.columns,
    rows: objects.map((o) => {
      const object = rowObject(o, opts.includeObject);
      return object === undefined ? { cells: p.cells(o, opts.now) } : { cells: p.cells(o, opts.now), object };
    }),
  };
}
