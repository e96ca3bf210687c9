// `diag` as text, in the manner of `cilium status`: a summary block an operator reads in five
// seconds (version, health, controller, speakers, pools with a use bar, Services, findings), then
// one section per subject, then every finding with its evidence and fix, then what was not seen.
import type { Check, Finding } from '../report/types.js';
import { SEVERITIES } from '../report/types.js';
import type { DiagReport, PodView } from '../report/diag.js';
import type { PoolView } from '../report/views.js';
import { namesText } from '../report/text.js';
import { headObject, locationLabel, oneLine, plural, sortFindings } from './common.js';
import { painter, SEVERITY_STYLE, type Paint, type RenderOptions, type Style } from './options.js';
import { detailLines, gapLines, healthStyle, inputLines } from './text.js';
import { familyUse, serviceRow, STATE_STYLE, table } from './simulation.js';

const BAR = 20;
const LABEL = 12;
const CHECK_STYLE: Record<Check['status'], Style[]> = { ok: ['green'], ...SEVERITY_STYLE };

/** `[######..............]  30%`: the fuller family of the pool (exact for IPv6). */
export function useBar(p: Pick<PoolView, 'capacity' | 'used'>): string {
  // exact in bigints; anything used shows as a sliver however big the pool
  const ratio = (used: bigint, cap: bigint) => (cap <= 0n || used <= 0n ? 0 : Math.max(Number((used * 10000n) / cap) / 10000, 1e-9));
  const r = Math.max(ratio(p.used.ipv4, p.capacity.ipv4), ratio(p.used.ipv6, p.capacity.ipv6));
  const filled = r > 0 ? Math.max(1, Math.round(r * BAR)) : 0;
  const pct = r > 0 && r < 0.01 ? '<1%' : `${Math.round(r * 100)}%`;
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${pct.padStart(4)}`;
}

function podProblem(p: PodView): string {
  return `${p.name}${p.node ? ` on ${p.node}` : ''}: ${p.reason ?? p.phase}${p.restarts ? `, ${plural(p.restarts, 'restart')}` : ''}`;
}

/** The pools' use is unknown: the input has no Services (the pools check says so). */
function useUnknown(r: DiagReport): boolean {
  return r.checks.find((c) => c.id === 'pools')?.message.includes('use unknown') ?? false;
}

function summaryBlock(r: DiagReport, paint: Paint): string[] {
  const out: string[] = [];
  const row = (label: string, text: string) => out.push(`${paint(label.padEnd(LABEL), 'bold')}${text}`);
  const more = (text: string) => out.push(`${''.padEnd(LABEL)}${text}`);
  const m = r.metallb;
  const backend = m.bgpBackend ? `, BGP backend ${m.bgpBackend}${m.bgpBackendAssumed ? ' (assumed)' : ''}` : '';
  row('MetalLB', `${m.version ?? 'version unknown'} in ${m.namespace}${backend}${m.installedBy ? `, installed by ${m.installedBy}` : ''}`);
  const s = r.summary;
  const counts = SEVERITIES.filter((sev) => s[sev] > 0).map((sev) => paint(`${s[sev]} ${sev}`, ...SEVERITY_STYLE[sev]));
  row('Health', `${paint(r.health.status.toUpperCase(), ...healthStyle(r.health.status), 'bold')} (score ${r.health.score}/100)${counts.length ? `: ${counts.join(', ')}` : ''}`);
  if (r.pods) {
    const ctl = r.pods.filter((p) => p.component === 'controller');
    const spk = r.pods.filter((p) => p.component === 'speaker');
    const ctlBad = ctl.filter((p) => !p.ready);
    row('Controller', ctl.length === 0 ? paint('no pod', 'red') : ctlBad.length === 0 ? paint('ready', 'green') + ` (${ctl.map((p) => `${p.name}${p.node ? ` on ${p.node}` : ''}`).join(', ')})` : paint(`not ready: ${ctlBad.map(podProblem).join('; ')}`, 'red'));
    const spkBad = spk.filter((p) => !p.ready);
    const ready = `${spk.length - spkBad.length}/${spk.length} ready`;
    row('Speakers', spk.length === 0 ? paint('no pod', 'red') : spkBad.length === 0 ? paint(ready, 'green') : `${paint(ready, 'red')}; not ready: ${spkBad.slice(0, 3).map(podProblem).join('; ')}${spkBad.length > 3 ? ` and ${spkBad.length - 3} more` : ''}`);
    const missing = r.nodes.filter((n) => n.speaker === 'missing');
    if (missing.length > 0) more(paint(`no speaker on ${plural(missing.length, 'node')}: ${namesText(missing.map((n) => n.name))}`, 'yellow'));
  } else row('Pods', paint('not in the input: the controller and speakers are not checked', 'yellow'));
  if (r.crds) {
    const core = r.crds.filter((c) => c.core);
    const opt = r.crds.filter((c) => !c.core);
    const coreOk = core.every((c) => c.installed);
    row('CRDs', `${paint(`core ${core.filter((c) => c.installed).length}/${core.length}`, coreOk ? 'green' : 'red')}, optional ${opt.filter((c) => c.installed).length}/${opt.length}`);
  } else row('CRDs', paint('not in the input', 'yellow'));
  if (r.configurationStates && r.configurationStates.length > 0) {
    const invalid = r.configurationStates.filter((c) => c.result === 'Invalid');
    row('Config', invalid.length === 0 ? paint(`valid (ConfigurationState of ${plural(r.configurationStates.length, 'component')})`, 'green') : paint(`INVALID on ${namesText(invalid.map((c) => c.name))}: ${oneLine(invalid[0]!.errors[0] ?? '')}`, 'red'));
  }
  // a section the input lacks (its check says 'not captured') is said so, never "none" or 0
  const unknown = (id: string) => r.checks.find((c) => c.id === id)?.message.startsWith('not captured') ?? false;
  if (unknown('pools')) row('Pools', paint('not in the input', 'yellow'));
  else if (r.pools.length === 0) row('Pools', paint('none', 'red'));
  const width = Math.max(0, ...r.pools.slice(0, 8).map((p) => p.name.length));
  r.pools.slice(0, 8).forEach((p, i) => {
    const text = `${p.name.padEnd(width)}  ${useUnknown(r) ? paint('use unknown (no Services in the input)', 'yellow') : `${useBar(p)}  ${familyUse(p)}`}`;
    if (i === 0) row('Pools', text);
    else more(text);
  });
  if (r.pools.length > 8) more(`and ${r.pools.length - 8} more (see POOLS)`);
  const n = (st: string) => r.services.filter((v) => v.state === st).length;
  const announced = !(r.checks.find((c) => c.id === 'nodes')?.message.includes('announcement not computed') ?? false);
  const svc = announced ? [paint(`${n('announced')} announced`, 'green')] : [];
  for (const st of ['assigned', 'not-announced', 'pending', 'ignored'] as const) if (n(st) > 0) svc.push(paint(`${n(st)} ${st}`, STATE_STYLE[st]));
  if (unknown('services')) row('Services', paint('not in the input', 'yellow'));
  else if (unknown('pools')) row('Services', `${r.services.length} LoadBalancer: ${paint('addresses not computed (no IPAddressPools in the input)', 'yellow')}`);
  else row('Services', `${r.services.length} LoadBalancer: ${[...svc, ...(announced ? [] : [paint('announcement not computed', 'yellow')])].join(', ')}`);
  const nodes = r.checks.find((c) => c.id === 'nodes')?.message ?? '';
  if (r.nodes.length > 0) row('Nodes', nodes.includes('announcement not computed') ? `${r.nodes.length}, ${paint('announcement not computed', 'yellow')}` : `${r.nodes.length}, ${r.nodes.filter((x) => x.announces).length} announcing`);
  const total = s.critical + s.error + s.warning + s.info;
  row('Findings', total === 0 ? paint('none', 'green') : counts.join(', '));
  if (r.gaps.length > 0) row('Not seen', paint(`${plural(r.gaps.length, 'gap')} in the input (see the end): findings that need them are not computed`, 'yellow'));
  return out;
}

function section(title: string, rows: string[][], paint: Paint, style?: (ri: number, ci: number, text: string) => string): string[] {
  if (rows.length <= 1) return [];
  return ['', paint(title, 'bold'), ...table(rows, (ri, ci, text) => (ri === 0 ? paint(text, 'dim') : style ? style(ri, ci, text) : text))];
}

function findingBlock(f: Finding, paint: Paint): string[] {
  const sev = paint(f.severity.toUpperCase().padEnd(8), ...SEVERITY_STYLE[f.severity]);
  const head = headObject(f);
  const where = head ? locationLabel(f) : '';
  return [`${sev} ${oneLine(f.message)} ${paint(`[${f.rule}]`, 'dim')}`, ...(where ? [`    ${paint('at:', 'dim')} ${where}`] : []), ...detailLines(f, paint)];
}

export function renderDiagText(r: DiagReport, opts: RenderOptions): string {
  const paint = painter(opts.color);
  const out: string[] = [...summaryBlock(r, paint)];
  if (!opts.quiet) {
    out.push('', paint('CHECKS', 'bold'));
    const w = Math.max(...r.checks.map((c) => c.id.length));
    for (const c of r.checks) out.push(`  ${c.id.padEnd(w)}  ${paint(c.status.padEnd(8), ...CHECK_STYLE[c.status])}  ${oneLine(c.message)}`);
    if (r.pods) {
      out.push(
        ...section(
          `PODS (${r.pods.length})`,
          [['COMPONENT', 'POD', 'NODE', 'PHASE', 'READY', 'RESTARTS', 'REASON'], ...r.pods.map((p) => [p.component, p.name, p.node ?? '-', p.phase, p.ready ? 'yes' : 'no', String(p.restarts), p.reason ?? ''])],
          paint,
          (ri, ci, text) => (ci === 4 ? paint(text, r.pods![ri - 1]!.ready ? 'green' : 'red') : text),
        ),
      );
    }
    if (r.crds && r.crds.some((c) => !c.installed)) {
      out.push(...section('CRDS NOT INSTALLED', [['CRD', 'KIND'], ...r.crds.filter((c) => !c.installed).map((c) => [c.name, c.core ? 'core' : 'optional'])], paint));
    }
    out.push(
      ...section(
        `POOLS (${r.pools.length})`,
        [
          ['POOL', 'USE', 'USED/CAPACITY', 'AUTO-ASSIGN', 'AVOID-BUGGY-IPS', 'L2', 'BGP', 'ADDRESSES'],
          ...r.pools.map((p) => [p.name, useUnknown(r) ? 'unknown' : useBar(p), useUnknown(r) ? familyUse(p).replace(/\d+\//g, '?/') : familyUse(p), p.autoAssign ? 'yes' : 'no', p.avoidBuggyIPs ? 'yes' : 'no', p.advertisedBy.l2.join(',') || '-', p.advertisedBy.bgp.join(',') || '-', namesText(p.addresses, 3)]),
        ],
        paint,
      ),
    );
    out.push(
      ...section(
        `ADVERTISEMENTS (${r.advertisements.length})`,
        [
          ['KIND', 'NAME', 'POOLS', 'NODES', 'INTERFACES / PEERS'],
          ...r.advertisements.map((a) => [
            a.kind === 'L2Advertisement' ? 'L2' : 'BGP',
            a.name,
            a.pools === 'all' ? 'all' : a.pools.join(',') || '(none)',
            a.nodes === 'all' ? 'all' : namesText(a.nodes, 4) || '(none)',
            (a.kind === 'L2Advertisement' ? a.interfaces?.join(',') : a.peers?.join(',')) ?? 'all',
          ]),
        ],
        paint,
      ),
    );
    out.push(
      ...section(
        `BGP PEERS (${r.bgpPeers.length})`,
        [
          ['PEER', 'ADDRESS', 'MY ASN', 'PEER ASN', 'BFD PROFILE', 'NODES'],
          ...r.bgpPeers.map((p) => [p.name, `${p.address.includes(':') ? `[${p.address}]` : p.address}:${p.port}`, String(p.myASN ?? '-'), String(p.peerASN ?? '-'), p.bfdProfile ?? '-', p.nodes === 'all' ? 'all' : namesText(p.nodes, 4) || '(none)']),
        ],
        paint,
      ),
    );
    out.push(
      ...section(
        `SERVICES (${r.services.length})`,
        [['SERVICE', 'STATE', 'ADDRESS', 'PORTS', 'POOL', 'ANNOUNCED BY / WHY NOT'], ...r.services.map((v) => {
          const row = serviceRow(v);
          return [...row.slice(0, 3), namesText(v.ports, 3) || '-', ...row.slice(3)];
        })],
        paint,
        (ri, ci, text) => (ci === 1 ? paint(text, STATE_STYLE[r.services[ri - 1]!.state]) : text),
      ),
    );
    const notable = r.nodes.filter((n) => n.speaker !== 'ready' || n.excludedBy.length > 0);
    if (notable.length > 0) {
      out.push(
        ...section(
          `NODES THAT CANNOT ANNOUNCE (${notable.length} of ${r.nodes.length})`,
          [['NODE', 'SPEAKER', 'WHY'], ...notable.map((n) => [n.name, n.speaker, n.excludedBy.join(', ') || '-'])],
          paint,
        ),
      );
    }
    if (r.configurationStates?.some((c) => c.result === 'Invalid')) {
      out.push('', paint('CONFIGURATION REJECTED BY METALLB', 'bold'));
      for (const c of r.configurationStates.filter((x) => x.result === 'Invalid')) for (const e of c.errors) out.push(`  ${c.name}: ${e}`);
    }
  }
  const findings = sortFindings(r.findings);
  if (findings.length > 0) {
    out.push('', paint(`FINDINGS (${findings.length})`, 'bold'));
    for (const f of findings) out.push(...findingBlock(f, paint));
  }
  out.push('');
  if (r.input && !opts.quiet) out.push(...inputLines(r.input));
  out.push(...gapLines(r, paint));
  if (r.suppressed) out.push(`${plural(r.suppressed, 'finding')} suppressed (--disable or the metallb-doctor.io/ignore annotation)`);
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
