// `simulate` as text: the Services (address, pool, who announces), the pools (use per family),
// the nodes that cannot announce, what a what-if changes, then the findings as lint prints them.
import type { Report } from '../report/types.js';
import type { AnnouncerView, NodeView, PoolView, ServiceView } from '../report/views.js';
import { renderText } from './text.js';
import { namesText } from '../report/text.js';
import { painter, type Paint, type RenderOptions } from './options.js';

/** What a what-if compares of a Service (the whole view is in `services[]`). */
export type ServiceSide = Pick<ServiceView, 'ips' | 'pool' | 'state' | 'announcers' | 'prefixes' | 'message'>;

export interface ServiceChange {
  service: string;
  added?: true;
  before?: ServiceSide;
  after: ServiceSide;
}

export interface SimulationReport extends Report {
  pools: PoolView[];
  services: ServiceView[];
  nodes: NodeView[];
  whatIf?: { changes: string[]; services: ServiceChange[] };
  model: { memberlist: string; ignoreExcludeLB: boolean; notes: string[]; announcementUnknown?: string };
}

export const STATE_STYLE = { announced: 'green', assigned: 'cyan', 'not-announced': 'red', pending: 'red', ignored: 'gray' } as const;

export function announcerText(a: readonly AnnouncerView[]): string {
  if (a.length === 0) return '';
  const l2 = a.filter((x) => x.protocol === 'layer2').map((x) => `layer2: ${x.node}${x.interfaces ? ` (${x.interfaces.join(',')})` : ''}`);
  const bgp = a.filter((x) => x.protocol === 'bgp');
  const parts = [...l2];
  const compact = bgp.find((x) => x.node === '*');
  if (compact) {
    parts.push(`bgp: ${compact.count} nodes of ${compact.advertisements!.join(', ')}${compact.except!.length ? ` except ${listed(compact.except!, 5)}` : ''}`);
  } else if (bgp.length > 0) {
    const peers = [...new Set(bgp.flatMap((x) => x.peers ?? []))];
    parts.push(`bgp: ${listed(bgp.map((x) => x.node), 6)}${peers.length ? ` (to ${peers.join(', ')})` : ' (no BGP session takes the routes)'}`);
  }
  return parts.join('; ');
}

const listed = namesText;

export function table(rows: string[][], paintCol?: (row: number, col: number, text: string) => string): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r, ri) =>
    ('  ' + r.map((c, i) => {
      const cell = i === r.length - 1 ? c : c.padEnd(widths[i]!);
      return paintCol ? paintCol(ri, i, cell) : cell;
    }).join('  ')).trimEnd(),
  );
}

export function serviceRow(v: ServiceView): string[] {
  const what =
    v.state === 'pending' || v.state === 'ignored'
      ? (v.message ?? v.reason ?? '')
      : v.state === 'assigned'
        ? '(who announces is not known: see below)'
        : v.state === 'not-announced'
          ? `no node announces it${v.rules.length ? ` (${v.rules.join(', ')})` : ''}`
          : announcerText(v.announcers);
  const alt = v.alternatives && v.alternatives.length > 1 ? ` (or ${v.alternatives.slice(1).map((x) => `${x.ips.join(',')} from ${x.pool}`).join(' or ')}: MetalLB's choice is not deterministic)` : '';
  return [`${v.namespace}/${v.name}`, v.state, (v.ips.join(', ') || '-') + alt, v.pool ?? '-', what];
}

/** A count for people: exact below ten million, `2^64` for a power of two, else `~1.2e19` (JSON stays exact). */
export function countText(n: bigint): string {
  if (n < 10_000_000n) return String(n);
  const bits = n.toString(2);
  if (/^10*$/.test(bits)) return `2^${bits.length - 1}`;
  const digits = n.toString();
  return `~${digits[0]}.${digits[1]}e${digits.length - 1}`;
}

export function familyUse(p: PoolView): string {
  const out: string[] = [];
  if (p.capacity.ipv4 > 0n || p.used.ipv4 > 0n) out.push(`IPv4 ${countText(p.used.ipv4)}/${countText(p.capacity.ipv4)}`);
  if (p.capacity.ipv6 > 0n || p.used.ipv6 > 0n) out.push(`IPv6 ${countText(p.used.ipv6)}/${countText(p.capacity.ipv6)}`);
  return out.join(', ') || 'no addresses';
}

function changeLines(c: ServiceChange, paint: Paint): string[] {
  const a = c.after;
  if (c.added) return [`  ${paint('+', 'green')} ${c.service}: ${a.state}${a.ips.length ? ` ${a.ips.join(', ')} from ${a.pool}` : ''}${a.announcers.length ? `, ${announcerText(a.announcers)}` : a.message ? `: ${a.message}` : ''}`];
  const b = c.before!;
  const out = [`  ${paint('~', 'yellow')} ${c.service}:`];
  if (b.ips.join(',') !== a.ips.join(',')) out.push(`      address ${b.ips.join(', ') || '-'} -> ${a.ips.join(', ') || '-'}${a.state === 'pending' && a.message ? ` (${a.message})` : ''}`);
  if (b.state !== a.state) out.push(`      state ${b.state} -> ${a.state}`);
  const ba = announcerText(b.announcers);
  const aa = announcerText(a.announcers);
  if (ba !== aa) out.push(`      announced by ${ba || 'no node'}  ->  ${aa || 'no node'}`);
  // BGP: the routes each node that stops (or starts) announcing withdraws (or sends)
  const bgpNodes = (v: ServiceSide) => v.announcers.filter((x) => x.protocol === 'bgp' && x.node !== '*').map((x) => x.node);
  const prefixes = (b.prefixes ?? a.prefixes ?? []).map((p) => p.prefix);
  if (prefixes.length > 0) {
    const gone = bgpNodes(b).filter((n) => !bgpNodes(a).includes(n));
    const added = bgpNodes(a).filter((n) => !bgpNodes(b).includes(n));
    if (gone.length) out.push(`      BGP routes ${prefixes.join(', ')} withdrawn by ${listed(gone, 6)}`);
    if (added.length && b.prefixes) out.push(`      BGP routes ${(a.prefixes ?? []).map((p) => p.prefix).join(', ')} now also sent by ${listed(added, 6)}`);
  }
  const bc = b.announcers.find((x) => x.node === '*');
  const ac = a.announcers.find((x) => x.node === '*');
  if (bc && (!ac || ac.count !== bc.count)) out.push(`      BGP: ${bc.count} announcing node(s)  ->  ${ac?.count ?? bgpNodes(a).length}`);
  return out;
}

/** Up to this many Services that only lose some of their many BGP announcers are listed one by one. */
const THINNED_LISTED = 5;

/** The Service keeps its address and stays announced, by the same layer-2 node, from fewer of its many BGP nodes. */
function onlyFewerBGPNodes(c: ServiceChange): boolean {
  const b = c.before;
  const a = c.after;
  if (!b || b.state !== 'announced' || a.state !== 'announced' || b.ips.join(',') !== a.ips.join(',')) return false;
  const l2 = (v: ServiceSide) => announcerText(v.announcers.filter((x) => x.protocol === 'layer2'));
  if (l2(b) !== l2(a)) return false;
  const bc = b.announcers.find((x) => x.node === '*');
  const ac = a.announcers.find((x) => x.node === '*');
  return bc !== undefined && ac !== undefined && ac.count! < bc.count! && ac.advertisements!.join(',') === bc.advertisements!.join(',');
}

function thinnedLine(fewer: readonly ServiceChange[], paint: Paint): string {
  const examples = fewer.slice(0, THINNED_LISTED).map((c) => {
    const count = (v: ServiceSide) => v.announcers.find((x) => x.node === '*')!.count;
    return `${c.service} (${count(c.before!)} -> ${count(c.after)})`;
  });
  const more = fewer.length - examples.length;
  return (
    `  ${paint('~', 'yellow')} ${fewer.length} Services stay announced by BGP, each from fewer nodes (the nodes that leave withdraw their routes): ` +
    `${examples.join(', ')}${more > 0 ? ` and ${more} more (--verbose lists each)` : ''}`
  );
}

export function renderSimulationText(report: SimulationReport, opts: RenderOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [];
  const m = report.metallb;
  const ml = report.model.memberlist === 'disabled' ? 'memberlist off' : 'memberlist on';
  out.push(`${paint('Simulation', 'bold')} of MetalLB ${m.version ?? '(version unknown)'} in ${m.namespace}, ${ml}, ${report.nodes.length} node(s)${report.source.path ? `, from ${report.source.path}` : ''}`);
  if (report.whatIf) out.push(`what if: ${report.whatIf.changes.join(' ')}`);
  out.push('', paint(`SERVICES (${report.services.length})`, 'bold'));
  if (report.services.length === 0) out.push('  no LoadBalancer Service');
  else {
    const rows = [['SERVICE', 'STATE', 'ADDRESS', 'POOL', 'ANNOUNCED BY / WHY NOT'], ...report.services.map(serviceRow)];
    out.push(...table(rows, (ri, ci, text) => (ri === 0 ? paint(text, 'dim') : ci === 1 ? paint(text, STATE_STYLE[report.services[ri - 1]!.state]) : text)));
  }
  out.push('', paint(`POOLS (${report.pools.length})`, 'bold'));
  if (report.pools.length === 0) out.push('  no IPAddressPool');
  else {
    const rows = [
      ['POOL', 'USED/CAPACITY', 'L2', 'BGP', 'ADDRESSES'],
      ...report.pools.map((p) => [p.name + (p.autoAssign ? '' : ' (no autoAssign)'), familyUse(p), p.advertisedBy.l2.join(',') || '-', p.advertisedBy.bgp.join(',') || '-', listed(p.addresses, 4)]),
    ];
    out.push(...table(rows, (ri, _ci, text) => (ri === 0 ? paint(text, 'dim') : text)));
  }
  const silent = report.nodes.filter((n) => n.excludedBy.length > 0);
  if (silent.length > 0) {
    out.push('', paint(`NODES THAT NEVER ANNOUNCE (${silent.length} of ${report.nodes.length})`, 'bold'));
    for (const n of silent.slice(0, 20)) out.push(`  ${n.name}: ${n.excludedBy.join(', ')}`);
    if (silent.length > 20) out.push(`  ... and ${silent.length - 20} more`);
  }
  if (report.model.announcementUnknown || report.model.notes.length > 0) {
    out.push('');
    if (report.model.announcementUnknown) out.push(paint(`note: ${report.model.announcementUnknown}`, 'yellow'));
    for (const n of report.model.notes) out.push(paint(`note: ${n}`, 'dim'));
  }
  if (report.whatIf) {
    out.push('', paint(`WHAT CHANGES (${report.whatIf.changes.join(' ')})`, 'bold'));
    if (report.whatIf.services.length === 0) out.push('  nothing: every Service keeps its address and its announcers');
    // a failed node takes itself out of every BGP Service announced from many nodes: one line for
    // those (each still announced, from fewer nodes), the rest one by one; --verbose lists them all
    const fewer = opts.verbose ? [] : report.whatIf.services.filter(onlyFewerBGPNodes);
    const thinned = fewer.length > THINNED_LISTED ? new Set(fewer) : new Set<ServiceChange>();
    for (const c of report.whatIf.services) if (!thinned.has(c)) out.push(...changeLines(c, paint));
    if (thinned.size > 0) out.push(thinnedLine(fewer, paint));
  }
  out.push('');
  const rest = renderText({ ...report, checks: [] }, { ...opts, command: 'lint' });
  return out.join('\n') + '\n' + rest;
}
