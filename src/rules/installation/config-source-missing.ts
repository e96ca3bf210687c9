import type { KubeObject, FieldPath } from '../../sources/types.js';
import { defineRule } from '../types.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import { argValue, containers, versionBefore } from '../../state/installation.js';

interface Reader {
  workload: KubeObject;
  /** the ConfigMap it reads: --config, default "config" */
  name: string;
  /** where the name comes from: the --config argument, or the container (default) */
  path: FieldPath;
  from: string;
}

/** The --config argument of a legacy controller/speaker, with the position of the argument. */
function readerOf(workload: KubeObject, image: string): Reader | undefined {
  const cs = containers(workload);
  const ci = cs.findIndex((c) => String(c.image ?? '').includes(image));
  if (ci < 0) return undefined;
  const c = cs[ci]!;
  const value = argValue(c, 'config');
  const what = `${workload.kind} "${workload.metadata?.name ?? ''}"`;
  if (value === undefined) {
    return { workload, name: 'config', path: ['spec', 'template', 'spec', 'containers', ci], from: `${what} has no --config argument: MetalLB's default "config"` };
  }
  for (const field of ['args', 'command'] as const) {
    const i = asArray(c[field]).findIndex((a) => typeof a === 'string' && /^--?config(=|$)/.test(a));
    if (i >= 0) return { workload, name: value, path: ['spec', 'template', 'spec', 'containers', ci, field, i], from: `${what} runs with --config=${value}` };
  }
  return { workload, name: value, path: ['spec', 'template', 'spec', 'containers', ci], from: `${what} runs with --config=${value}` };
}

export default defineRule({
  meta: {
    id: 'config-source-missing',
    severity: 'critical',
    category: 'installation',
    evidence: ['api'],
    description:
      'A legacy MetalLB (0.12 or earlier) reads its configuration from a ConfigMap (its --config argument, default "config") that does not exist, or that has no "config" key.',
    fix: 'Create the ConfigMap MetalLB reads, in its namespace, with the configuration under the data key "config" (Helm charts up to 0.12: set configInline, or existingConfigMap to a ConfigMap you create).',
  },
  check({ state, report }) {
    if (state.metallb.configSource !== 'configmap') return;
    const { namespace, version } = state.metallb;
    const readers: Reader[] = [];
    for (const [w, image] of [
      [state.metallb.controller, 'metallb/controller'],
      [state.metallb.speaker, 'metallb/speaker'],
    ] as const) {
      // only a workload whose image says <= 0.12 is known to read a ConfigMap
      if (!w || versionBefore(version, 0, 13) !== true) continue;
      const r = readerOf(w, image);
      if (r) readers.push(r);
    }
    const byName = new Map<string, Reader[]>();
    for (const r of readers) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);

    for (const [name, rs] of byName) {
      // absent is not none: the ConfigMaps of the namespace, or this one, must have been read
      if (!state.isCaptured('ConfigMap', namespace, name)) continue;
      const cm = state.all('ConfigMap').find((o) => o.metadata?.name === name && (!o.metadata?.namespace || o.metadata.namespace === namespace));
      const who = rs.map((r) => `${r.workload.kind} "${r.workload.metadata?.name ?? ''}"`).join(' and ');
      const evidence = [...rs.map((r) => r.from), `MetalLB ${version}, from the image of ${rs[0]!.workload.kind} "${rs[0]!.workload.metadata?.name ?? ''}": it reads a ConfigMap (CRDs came with v0.13)`];
      if (!cm) {
        const others = state
          .all('ConfigMap')
          .filter((o) => (!o.metadata?.namespace || o.metadata.namespace === namespace) && typeof asRecord(o.data).config === 'string')
          .map((o) => `"${o.metadata?.name ?? ''}"`);
        if (others.length > 0) evidence.push(`ConfigMaps in ${namespace} with a "config" key: ${others.join(', ')}`);
        else evidence.push(`no ConfigMap named "${name}" in namespace ${namespace}`);
        report({
          message: `MetalLB ${version} (${who}) reads its configuration from ConfigMap "${name}" in namespace ${namespace}, which does not exist: it logs "no MetalLB configuration in cluster" ("configuration is missing, MetalLB will not function"), so no Service gets an address and nothing is announced`,
          subjects: rs.map((r) => ({ obj: r.workload, path: r.path })),
          evidence,
          fix:
            others.length > 0
              ? `Point --config at the ConfigMap that holds the configuration (${others.join(', ')}), or create ConfigMap "${name}" in ${namespace} with the configuration under data.config (Helm charts up to 0.12: existingConfigMap, or configInline).`
              : `Create ConfigMap "${name}" in ${namespace} with the configuration (address-pools, peers) under data.config: kubectl create configmap ${name} -n ${namespace} --from-file=config=metallb-config.yaml (Helm charts up to 0.12: set configInline, or existingConfigMap to a ConfigMap you create).`,
        });
        continue;
      }
      const data = asRecord(cm.data);
      if (typeof data.config === 'string') continue;
      const keys = Object.keys(data);
      report({
        message: `MetalLB ${version} (${who}) reads its configuration from the "config" key of ConfigMap "${name}", which has ${keys.length > 0 ? `only the key${keys.length === 1 ? '' : 's'} ${keys.map((k) => `"${k}"`).join(', ')}` : 'no data'}: MetalLB parses an empty configuration (no address pools, no peers), so no Service gets an address`,
        subjects: [{ obj: cm, path: keys.length > 0 ? ['data', keys[0]!] : ['metadata', 'name'] }],
        evidence: [...evidence, `ConfigMap "${name}": data keys ${keys.length > 0 ? keys.join(', ') : '(none)'}`],
        fix: `Put the configuration under the data key "config" of ConfigMap "${name}"${keys.length === 1 ? ` (rename "${keys[0]}" to "config")` : ''}: kubectl create configmap ${name} -n ${namespace} --from-file=config=metallb-config.yaml --dry-run=client -o yaml | kubectl apply -f -`,
      });
    }
  },
});
