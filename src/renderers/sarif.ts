// `-o sarif`: SARIF 2.1.0 for GitHub code scanning and SARIF viewers. One run; one
// reportingDescriptor per rule that has findings; results point at file:line:col when the
// finding came from a file, else at the Kubernetes object as a logical location.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, FindingObject, Report, Severity } from '../report/types.js';
import type { RuleMeta } from '../rules/types.js';
import { headObject, objectRef, positionOf, sortFindings } from './common.js';
import type { RenderOptions } from './options.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const TOOL_INFORMATION_URI = 'https://www.npmjs.com/package/metallb-doctor';
const SRCROOT = '%SRCROOT%';

type Level = 'error' | 'warning' | 'note';
export const SARIF_LEVEL: Record<Severity, Level> = { critical: 'error', error: 'error', warning: 'warning', info: 'note' };

/** `pool-overlap` -> `PoolOverlap`: SARIF's "friendly name" is one Pascal-case identifier. */
export function friendlyName(ruleId: string): string {
  return ruleId.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

function isAbsoluteUri(s: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s);
}

function encodePath(p: string): string {
  return p.split(/[\\/]/).map(encodeURIComponent).join('/');
}

/** A file as SARIF wants it: relative to %SRCROOT% when it lies below cwd, else an absolute file: URI. */
export function artifactLocation(file: string, cwd: string): { uri: string; uriBaseId?: string } {
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
  return { uri: encodePath(rel), uriBaseId: SRCROOT };
}

function logicalLocation(o: FindingObject) {
  return { name: o.name, fullyQualifiedName: objectRef(o), kind: 'object' };
}

function ruleDescriptor(id: string, meta: (RuleMeta & { docs: string }) | undefined, docs: string) {
  const helpUri = meta?.docs ?? docs;
  const description = meta?.description ?? id;
  const fix = meta?.fix ?? '';
  const helpText = [fix, helpUri ? `Documentation: ${helpUri}` : ''].filter(Boolean).join('\n') || description;
  return {
    id,
    name: friendlyName(id),
    shortDescription: { text: description },
    fullDescription: { text: fix ? `${description} Fix: ${fix}` : description },
    ...(isAbsoluteUri(helpUri) ? { helpUri } : {}),
    help: { text: helpText },
    ...(meta ? { defaultConfiguration: { level: SARIF_LEVEL[meta.severity] } } : {}),
    ...(meta ? { properties: { severity: meta.severity, category: meta.category, tags: [meta.category, ...meta.evidence] } } : {}),
  };
}

export function renderSarif(report: Report, opts: RenderOptions): string {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const findings = sortFindings(report.findings);

  const ruleIds = [...new Set(findings.map((f) => f.rule))].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const rules = ruleIds.map((id) => ruleDescriptor(id, opts.rules.get(id), findings.find((f) => f.rule === id)!.docs));

  const artifacts: { location: { uri: string; uriBaseId?: string }; roles: string[] }[] = [];
  const artifactIndex = new Map<string, number>();
  const physical = (o: FindingObject) => {
    const pos = positionOf(o)!;
    const loc = artifactLocation(pos.file, cwd);
    const key = `${loc.uriBaseId ?? ''}|${loc.uri}`;
    let index = artifactIndex.get(key);
    if (index === undefined) {
      index = artifacts.length;
      artifactIndex.set(key, index);
      // Every file named by a finding was read as input (the manifests being linted).
      artifacts.push({ location: loc, roles: ['analysisTarget'] });
    }
    return {
      artifactLocation: { ...loc, index },
      region: { startLine: pos.line, startColumn: pos.column },
    };
  };

  // A finding about no object in particular is about the MetalLB installation: SARIF consumers
  // (GitHub among them) reject a result with an empty locations array.
  const installation = { name: report.metallb.namespace, fullyQualifiedName: `Namespace/${report.metallb.namespace}`, kind: 'namespace' };
  const results = findings.map((f) => result(f, ruleIndex.get(f.rule)!, physical, installation));

  const gapsNotes = report.gaps.map((g) => ({
    level: 'warning' as const,
    message: { text: `Could not see: ${g.what}${g.why ? ` (${g.why})` : ''}.` },
  }));

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            ...(/^\d+\.\d+\.\d+/.test(report.tool.version) ? { semanticVersion: report.tool.version } : {}),
            informationUri: TOOL_INFORMATION_URI,
            rules,
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            ...(gapsNotes.length > 0 ? { toolExecutionNotifications: gapsNotes } : {}),
            ...(opts.command ? { properties: { command: opts.command } } : {}),
          },
        ],
        originalUriBaseIds: { [SRCROOT]: { uri: pathToFileURL(cwd).href.replace(/\/?$/, '/') } },
        artifacts,
        columnKind: 'utf16CodeUnits',
        results,
        properties: {
          source: report.source,
          summary: report.summary,
          ...(report.suppressed !== undefined ? { suppressed: report.suppressed } : {}),
        },
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function result(f: Finding, ruleIndex: number, physical: (o: FindingObject) => object, installation: object) {
  const first = headObject(f);
  const head = first && positionOf(first) ? first : undefined;
  // The object to fix is the location; the other objects of the finding are related locations.
  const locations = head
    ? [{ physicalLocation: physical(head), logicalLocations: [logicalLocation(head)] }]
    : f.objects.length > 0
      ? [{ logicalLocations: f.objects.map(logicalLocation) }]
      : [{ logicalLocations: [installation] }];
  const related = head
    ? f.objects
        .filter((o) => o !== head)
        .map((o, i) => ({
          id: i + 1,
          ...(positionOf(o) ? { physicalLocation: physical(o) } : {}),
          logicalLocations: [logicalLocation(o)],
          message: { text: objectRef(o) },
        }))
    : [];
  return {
    ruleId: f.rule,
    ruleIndex,
    level: SARIF_LEVEL[f.severity],
    message: { text: f.message },
    locations,
    ...(related.length > 0 ? { relatedLocations: related } : {}),
    properties: { severity: f.severity, evidence: f.evidence, fix: f.fix, docs: f.docs },
  };
}
