// `migrate`: a pre-0.13 MetalLB ConfigMap (data.config) -> the custom resources MetalLB's own
// converter (configmaptocrs) would write, with every conversion problem pinned to the line of the
// ConfigMap it comes from, then the file rules over the result.
import { Command, Option } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { stringify } from 'yaml';
import { loadInputs, STDIN_NAME } from '../../sources/load.js';
import { attachSource, InputError, packPos, unpackPos, pathKey, sourceOf, type KubeObject, type LoadIssue, type LoadResult } from '../../sources/types.js';
import { parseYamlText } from '../../sources/yaml.js';
import { isLegacyConfigMap, isLegacyConfigText } from '../../model/legacy.js';
import type { LegacyProblem } from '../../model/legacy.js';
import { deriveLegacyConfig } from '../../state/legacy-config.js';
import { ClusterState } from '../../state/cluster-state.js';
import { fileRules, ruleById } from '../../rules/index.js';
import { runRules } from '../../rules/engine.js';
import { exitCodeFor, summarize, type FailOn } from '../../report/build.js';
import { locationLabel, sortFindings } from '../../report/order.js';
import type { Finding, Severity } from '../../report/types.js';
import { addBgpBackendOption, addReportOptions, UsageError, type BGPBackendFlag } from '../common.js';
import type { CliContext } from '../context.js';
import { addSourceOptions, captureLive, type SourceOptions } from '../source.js';

interface MigrateOptions extends SourceOptions {
  out?: string;
  output: 'yaml' | 'json';
  namespace?: string;
  force?: boolean;
  bgpBackend: BGPBackendFlag;
  disable: string[];
  failOn: FailOn;
}

/** The order configmaptocrs writes the kinds in, and the file each goes to with --out. */
const KIND_FILES: readonly (readonly [kind: string, file: string])[] = [
  ['BGPPeer', 'bgppeers.yaml'],
  ['IPAddressPool', 'ipaddresspools.yaml'],
  ['BGPAdvertisement', 'bgpadvertisements.yaml'],
  ['L2Advertisement', 'l2advertisements.yaml'],
  ['BFDProfile', 'bfdprofiles.yaml'],
  ['Community', 'communities.yaml'],
];
const KUSTOMIZATION = 'kustomization.yaml';

/** Conversion problems as findings: the id, severity and fix of each kind. */
const PROBLEM: Record<LegacyProblem['kind'], { rule: string; severity: Severity; fix: string }> = {
  'legacy-invalid': {
    rule: 'legacy-invalid',
    severity: 'error',
    fix: 'Legacy MetalLB (0.12 or earlier) refused this configuration as a whole, so what runs today is an older one: correct data.config and convert again.',
  },
  'conversion-failed': {
    rule: 'legacy-conversion-failed',
    severity: 'error',
    fix: "MetalLB's configmaptocrs stops on this value, and this conversion leaves it out: correct data.config and convert again.",
  },
  reinterpreted: {
    rule: 'legacy-reinterpreted',
    severity: 'warning',
    fix: 'The converted resources keep the value MetalLB used; if the decimal number was meant, write it without the leading 0 (in the resources, and in data.config while it is in use).',
  },
  renamed: {
    rule: 'legacy-renamed',
    severity: 'info',
    fix: 'Services that name the pool in the metallb.universe.tf/address-pool annotation, and peers that name the BFD profile, must use the new name.',
  },
};

export function migrateCommand(ctx: CliContext): Command {
  const cmd = new Command('migrate')
    .summary('convert a pre-0.13 ConfigMap configuration into custom resources')
    .description(
      "Convert a legacy MetalLB (0.12 or earlier) ConfigMap into the custom resources MetalLB's own converter " +
        '(configmaptocrs) writes: BGPPeer v1beta2 peer1.., IPAddressPools, BGPAdvertisements, L2Advertisements, ' +
        'BFDProfiles and one Community. Every problem is reported at the line of the ConfigMap it comes from, ' +
        'including what configmaptocrs loses silently (a pool whose protocol is neither "layer2" nor "bgp" gets ' +
        'no advertisement), then the result is linted. The resources go to stdout, problems to stderr; ' +
        'with --out they are written as one file per kind and a kustomization.yaml.',
    )
    .argument('[configmap-file]', 'the ConfigMap as YAML or JSON (kubectl get configmap config -o yaml), its bare data.config, or - for stdin')
    .option('--out <dir>', 'write one file per kind and a kustomization.yaml into this directory instead of stdout')
    .addOption(new Option('-o, --output <format>', 'format of the resources on stdout').choices(['yaml', 'json']).default('yaml'))
    .option('-n, --namespace <ns>', "namespace of the resources (default: the ConfigMap's, else metallb-system)")
    .option('--force', 'overwrite files that already exist in --out');
  addSourceOptions(cmd, {
    from: false,
    cluster: "read the ConfigMap from the live cluster of the kubeconfig: the one MetalLB's controller names with --config (default \"config\") in MetalLB's namespace (GET only)",
  });
  addBgpBackendOption(cmd);
  addReportOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Exit codes: 0 the result lints clean; 1 the worst finding is a warning; 2 the input is wrong (legacy MetalLB
refused it, or the result has errors); 3 bad arguments, an unreadable file, no legacy ConfigMap, or files in
--out that would be overwritten without --force.

Examples:
  ${ctx.name} migrate config.yaml > metallb-crs.yaml
  kubectl get configmap config -n metallb-system -o yaml | ${ctx.name} migrate -
  ${ctx.name} migrate config.yaml --out metallb/ && kubectl apply -k metallb/
  ${ctx.name} migrate --cluster --out metallb/          # the ConfigMap the running legacy MetalLB reads
  ${ctx.name} migrate config.yaml -n metallb -o json`,
  );
  cmd.action(async (file: string | undefined, _local: unknown, self: Command) => {
    const opts = self.optsWithGlobals<MigrateOptions>();
    if (file && opts.cluster) throw new UsageError('migrate reads either a file or --cluster, not both');
    if (!file && !opts.cluster) throw new UsageError('migrate needs a ConfigMap file (or - for stdin), or --cluster');
    if (opts.out && self.getOptionValueSource('output') === 'cli') throw new UsageError('--out writes YAML files: it takes no -o');
    for (const id of opts.disable) if (id !== '*' && !ruleById(id)) ctx.warn(`--disable ${id}: no such rule (see \`${ctx.name} rules\`)`);

    const input = file ? await configMapFromFile(ctx, file, opts.metallbNamespace) : await configMapFromCluster(ctx, opts);
    const findings: Finding[] = input.issues.map(issueFinding);
    if (!input.configMap) {
      // nothing to convert, and the reason is a broken file: that is a finding, not a bad argument
      ctx.err(findingLines(findings));
      ctx.err(`nothing converted from ${input.label}: ${summaryLine(summarize(findings))}\n`);
      ctx.exitCode = 2;
      return;
    }
    const cm = input.configMap;
    const cmName = cm.metadata?.name ?? 'config';
    const derivation = deriveLegacyConfig(cm);
    findings.push(...derivation.issues.map(issueFinding));
    for (const p of derivation.problems) findings.push(problemFinding(p, cm));

    const namespace = opts.namespace ?? cm.metadata?.namespace ?? 'metallb-system';
    const objects = derivation.objects;
    for (const o of objects) if (o.metadata) o.metadata.namespace = namespace;
    // the tool never prints a BGP password: a peer's password becomes a reference to a Secret,
    // which the user creates from the value in their ConfigMap (MetalLB's own converter copies it)
    for (const f of passwordsToSecrets(objects, namespace)) findings.push(f);

    // the file rules over the result, as `lint` would check it (positions stay in the ConfigMap)
    const load: LoadResult = { objects, issues: [], files: 1, skippedNotKubernetes: 0, logFiles: [] };
    const state = new ClusterState([{ load, kind: 'manifests', path: input.label }], { metallbNamespace: namespace });
    const run = runRules(fileRules(), state, { bgpBackend: opts.bgpBackend, disabled: new Set(opts.disable) });
    for (const e of run.errors) ctx.warn(`rule ${e.rule} failed: ${e.message}`, e.stack);
    findings.push(...run.findings.map((f) => ({ ...f, message: `${f.message} (in the converted resources)` })));

    const counts = KIND_FILES.map(([kind]) => [kind, objects.filter((o) => o.kind === kind).length] as const).filter(([, n]) => n > 0);
    const what = `ConfigMap ${cm.metadata?.namespace ?? namespace}/${cmName} from ${input.label}: ${counts.map(([k, n]) => `${n} ${k}`).join(', ') || 'no resources'}`;
    const summary = summarize(findings);

    if (opts.out) {
      const written = await writeOut(opts.out, objects, Boolean(opts.force), header(input.label, cm, namespace));
      ctx.out(findingLines(findings));
      ctx.out(`converted ${what}\n`);
      for (const w of written) ctx.out(`wrote ${w}\n`);
      ctx.out(summaryLine(summary) + '\n');
    } else {
      ctx.out(opts.output === 'json' ? toJSON(objects) : toYAML(objects, header(input.label, cm, namespace)));
      ctx.err(findingLines(findings));
      ctx.err(`converted ${what}; ${summaryLine(summary)}\n`);
    }
    ctx.exitCode = exitCodeFor(summary, opts.failOn);
  });
  return cmd;
}

interface Input {
  /** the legacy ConfigMap, with its source (positions in `label`) */
  configMap?: KubeObject;
  /** syntax errors and ambiguous values of the file itself */
  issues: LoadIssue[];
  /** how the input is named in messages and positions */
  label: string;
}

/** The legacy ConfigMap of a file (or stdin): a ConfigMap, a List holding one, or bare data.config. */
async function configMapFromFile(ctx: CliContext, file: string, metallbNamespace?: string): Promise<Input> {
  let bytes: Buffer | undefined;
  if (file === '-') {
    try {
      bytes = await readAll(ctx.stdin);
    } catch (e) {
      throw new InputError(STDIN_NAME, `cannot read (${(e as Error).message})`);
    }
  }
  const load = await loadInputs([file], bytes ? { stdin: Readable.from([bytes]) } : {});
  const label = file === '-' ? STDIN_NAME : file;
  const maps = load.objects.filter((o) => o.kind === 'ConfigMap' && (!metallbNamespace || !o.metadata?.namespace || o.metadata.namespace === metallbNamespace));
  const legacy = maps.filter(isLegacyConfigMap);
  if (legacy.length > 1) {
    const named = legacy.filter((cm) => cm.metadata?.name === 'config');
    if (named.length !== 1) {
      throw new UsageError(
        `${label} holds ${legacy.length} legacy ConfigMaps (${legacy.map((cm) => `${cm.metadata?.namespace ?? ''}/${cm.metadata?.name ?? ''}`).join(', ')}): give one in a file of its own, or choose the namespace with --metallb-namespace`,
      );
    }
    return { configMap: named[0], issues: load.issues, label };
  }
  if (legacy.length === 1) return { configMap: legacy[0], issues: load.issues, label };
  if (load.objects.length === 0) {
    // configmaptocrs -only-data: the file is data.config itself
    const text = (bytes ?? (await readFile(file))).toString('utf8');
    const parsed = parseYamlText(text, label);
    const value = parsed.documents[0]?.value;
    if (parsed.documents.length === 1 && isRecord(value) && isLegacyConfigText(text)) {
      return { configMap: bareConfigMap(text, label, metallbNamespace ?? 'metallb-system', 'config'), issues: [], label };
    }
    if (load.issues.some((i) => i.kind === 'syntax')) return { issues: load.issues, label };
  }
  const why =
    maps.length > 0
      ? `its ConfigMap${maps.length > 1 ? 's hold' : ' holds'} no legacy MetalLB configuration (a "config" key with address-pools, peers, bgp-communities or bfd-profiles)`
      : 'it holds no ConfigMap with a legacy MetalLB configuration (data.config with address-pools, peers, bgp-communities or bfd-profiles), nor such a configuration itself';
  throw new UsageError(`${label}: nothing to migrate: ${why}`);
}

/**
 * The ConfigMap the running legacy MetalLB reads (its controller's --config, default "config", in
 * MetalLB's namespace), from the live read (which masks BGP passwords: the conversion refers to Secrets for them).
 */
async function configMapFromCluster(ctx: CliContext, opts: MigrateOptions): Promise<Input> {
  const capture = await captureLive(ctx, { ...opts, logs: false });
  const state = new ClusterState([{ load: capture.load, kind: 'cluster' }], { metallbNamespace: opts.metallbNamespace });
  const ns = state.metallb.namespace;
  const inNs = state.all('ConfigMap').filter((cm) => cm.metadata?.namespace === ns);
  const chosen =
    inNs.find((cm) => cm.metadata?.name === state.metallb.configMapName) ?? (state.metallb.controller ? undefined : inNs.find(isLegacyConfigMap));
  const name = chosen?.metadata?.name ?? state.metallb.configMapName;
  if (!chosen || !isLegacyConfigMap(chosen)) {
    const gap = state.gaps.find((g) => g.what.includes('ConfigMap'));
    throw new UsageError(
      `no legacy MetalLB configuration in the cluster: ConfigMap ${ns}/${name} ${chosen ? 'holds no address-pools or peers under "config"' : gap ? `could not be read (${gap.why ?? gap.what})` : 'does not exist'}`,
    );
  }
  // its BGP passwords arrive masked, and need not be known: they become Secret references
  const text = (chosen.data as Record<string, unknown> | undefined)?.config;
  const label = `${ns}/configmap/${name}`;
  if (typeof text !== 'string') throw new UsageError(`ConfigMap ${ns}/${name} has no "config" key`);
  return { configMap: bareConfigMap(text, label, ns, name), issues: [], label };
}

/**
 * A ConfigMap around a bare configuration text, with positions counted in that text (line 1 is
 * its first line), so findings point into it.
 */
function bareConfigMap(text: string, file: string, namespace: string, name: string): KubeObject {
  const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { config: text } };
  const at = pathKey(['data', 'config']);
  return attachSource(cm, { file, line: 1, column: 1, docIndex: 0, fields: new Map([[at, packPos(1, 1)]]), literalBlocks: new Set([at]) });
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer | string) => chunks.push(typeof c === 'string' ? Buffer.from(c) : c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function issueFinding(i: LoadIssue): Finding {
  const syntax = i.kind === 'syntax';
  return {
    rule: syntax ? 'yaml-syntax-error' : 'yaml-ambiguous-value',
    severity: syntax ? 'error' : 'warning',
    message: i.message,
    objects: [{ kind: 'File', name: i.file, file: i.file, line: i.line, column: i.column }],
    evidence: [],
    fix: syntax ? 'Correct the YAML.' : 'Quote the value, or write it as YAML 1.2 reads it.',
    docs: '',
  };
}

function problemFinding(p: LegacyProblem, cm: KubeObject): Finding {
  const kind = PROBLEM[p.kind];
  const name = cm.metadata?.name ?? 'config';
  const pos = p.position ?? positionOfConfig(cm);
  return {
    rule: kind.rule,
    severity: kind.severity,
    message: p.message,
    objects: [{ kind: 'ConfigMap', name, ...(cm.metadata?.namespace ? { namespace: cm.metadata.namespace } : {}), ...(pos ? { file: pos.file, line: pos.line, column: pos.column } : {}) }],
    evidence: [],
    fix: kind.fix,
    docs: '',
  };
}

/**
 * Each BGPPeer's spec.password becomes spec.passwordSecret (a basic-auth Secret `<peer>-bgp-password`
 * in MetalLB's namespace, as MetalLB reads it), with a finding that gives the command to create it.
 */
function passwordsToSecrets(objects: KubeObject[], namespace: string): Finding[] {
  const out: Finding[] = [];
  for (const o of objects) {
    if (o.kind !== 'BGPPeer') continue;
    const spec = (o.spec ?? {}) as Record<string, unknown>;
    if (typeof spec.password !== 'string' || spec.password === '') continue;
    const name = o.metadata?.name ?? 'peer';
    const secret = `${name}-bgp-password`;
    const src = sourceOf(o);
    const at = src?.fields.get(pathKey(['spec', 'password']));
    delete spec.password;
    spec.passwordSecret = { name: secret, namespace };
    out.push({
      rule: 'legacy-password-secret',
      // a passwordSecret that does not exist fails MetalLB's whole configuration (a transient error: the speakers keep the old one)
      severity: 'warning',
      message: `BGPPeer ${name}: its password is not written out; the peer refers to Secret ${namespace}/${secret} instead (spec.passwordSecret): create it before applying the peer, or MetalLB rejects the whole configuration until it exists: kubectl create secret generic ${secret} -n ${namespace} --type=kubernetes.io/basic-auth --from-literal=password='<the password of this peer in the ConfigMap>'`,
      objects: [{ kind: 'BGPPeer', name, namespace, ...(src ? { file: src.file, ...(at === undefined ? { line: src.line, column: src.column } : unpackPos(at)) } : {}) }],
      evidence: [],
      fix: `kubectl create secret generic ${secret} -n ${namespace} --type=kubernetes.io/basic-auth --from-literal=password='<the password of this peer in the ConfigMap>'`,
      docs: '',
    });
  }
  return out;
}

function positionOfConfig(cm: KubeObject): { file: string; line: number; column: number } | undefined {
  const src = sourceOf(cm);
  if (!src) return undefined;
  const p = src.fields.get(pathKey(['data', 'config']));
  return { file: src.file, ...(p === undefined ? { line: src.line, column: src.column } : unpackPos(p)) };
}

function findingLines(findings: readonly Finding[]): string {
  const sorted = sortFindings(findings);
  if (sorted.length === 0) return '';
  const locs = sorted.map(locationLabel);
  const w = Math.max(...locs.map((l) => l.length));
  return sorted.map((f, i) => `${locs[i]!.padEnd(w)}  ${f.severity.padEnd(8)}  ${f.message.replace(/\s*\n\s*/g, ' ')}  ${f.rule}`).join('\n') + '\n';
}

function summaryLine(s: { critical: number; error: number; warning: number; info: number }): string {
  const total = s.critical + s.error + s.warning + s.info;
  if (total === 0) return 'no problems';
  return `${total} problem${total === 1 ? '' : 's'} (${s.critical} critical, ${s.error} error${s.error === 1 ? '' : 's'}, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info)`;
}

function header(label: string, cm: KubeObject, namespace: string): string {
  const from = `ConfigMap ${cm.metadata?.namespace ?? namespace}/${cm.metadata?.name ?? 'config'} (${label})`;
  return `# Converted by metallb-doctor migrate from ${from}, as MetalLB's configmaptocrs would.\n`;
}

/** apiVersion, kind, metadata, spec: the order kubectl prints, whatever order they were built in. */
function plain(o: KubeObject): Record<string, unknown> {
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: o.metadata, spec: o.spec };
}

/** YAML 1.1-safe: strings Go's YAML would read as numbers or booleans (65000:100, on) are quoted. */
function yamlDoc(o: KubeObject): string {
  return stringify(plain(o), { version: '1.1', lineWidth: 0 });
}

export function toYAML(objects: readonly KubeObject[], head: string): string {
  return head + objects.map((o) => `---\n${yamlDoc(o)}`).join('');
}

export function toJSON(objects: readonly KubeObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.map(plain) }, null, 2) + '\n';
}

/** One file per kind and a kustomization.yaml; nothing is written when any of them exists (without --force). */
async function writeOut(dir: string, objects: readonly KubeObject[], force: boolean, head: string): Promise<string[]> {
  const files = KIND_FILES.map(([kind, name]) => ({ name, objects: objects.filter((o) => o.kind === kind) })).filter((f) => f.objects.length > 0);
  const kustomization = `${head}apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${files.map((f) => `  - ${f.name}\n`).join('')}`;
  const all = [...files.map((f) => ({ path: join(dir, f.name), text: toYAML(f.objects, head) })), { path: join(dir, KUSTOMIZATION), text: kustomization }];
  if (!force) {
    const existing = all.filter((f) => existsSync(f.path)).map((f) => f.path);
    if (existing.length) throw new UsageError(`would overwrite ${existing.join(', ')} (use --force to replace them)`);
  }
  try {
    await mkdir(dir, { recursive: true });
    for (const f of all) await writeFile(f.path, f.text);
  } catch (e) {
    throw new UsageError(`cannot write into ${dir}: ${(e as Error).message}`);
  }
  return all.map((f) => f.path);
}
