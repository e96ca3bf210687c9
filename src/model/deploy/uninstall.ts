// The ordered removal plan of a MetalLB installation (issue 9, point 3): what depends on it, its
// configuration, the release (Helm, helmwave, manifests or the operator), the CRDs, what the
// release leaves behind, the namespace. Pure: it reads a ClusterState and changes nothing; each
// step says why it comes where it does, and what the input could not show is said, not assumed.
import type { Gap, KubeObject } from '../../sources/types.js';
import { sourceOf } from '../../sources/types.js';
import type { ClusterState } from '../../state/cluster-state.js';
import { asArray, asRecord } from '../../state/cluster-state.js';
import { containers, parseVersion, versionAtLeast, versionBefore } from '../../state/installation.js';
import { METALLB_GROUP } from '../kinds.js';
import { memberlistSecretRefs } from '../memberlist.js';
import { parsePool } from '../pools.js';
import { entriesContainIP, parseIP } from '../address.js';
import { isLoadBalancer, knownIgnoredByClass, metallbLoadBalancerClass } from '../lb-class.js';
import { metallbPods, podsOf, podViewOf } from '../pods.js';

export type StepId = 'services' | 'configuration' | 'release' | 'crds' | 'leftovers' | 'namespace';
export type ReleaseTool = 'helm' | 'helmwave' | 'manifests' | 'operator';

export interface PlanStep {
  id: StepId;
  title: string;
  /** why the step comes at this point of the order */
  why: string;
  /** what it removes, as `kind name` lines */
  removes: string[];
  /** the commands, in order; each one a line a POSIX shell runs */
  commands: string[];
  /** what the reader must know: gaps that concern this step, choices to make */
  notes: string[];
}

export interface AffectedService {
  namespace: string;
  name: string;
  ips: string[];
  pool?: string;
}

export interface ReleaseInfo {
  tool: ReleaseTool;
  /** Helm (and helmwave) release name; the MetalLB resource's name for the operator */
  name?: string;
  namespace: string;
  /** manifests: the URL of the release manifest `kubectl delete -f` takes */
  manifest?: string;
}

export interface UninstallPlan {
  namespace: string;
  version?: string;
  bgpBackend?: 'native' | 'frr' | 'frr-k8s';
  release?: ReleaseInfo;
  /** LoadBalancer Services holding MetalLB addresses: they keep existing and lose them */
  services: AffectedService[];
  steps: PlanStep[];
  /** nothing of MetalLB was found, and everything that could show it was read */
  nothingInstalled: boolean;
  /** what the input did not show, concerning the plan */
  gaps: Gap[];
}

/** Configuration kinds in removal order (plural for kubectl, and why this place). */
const CONFIG_KINDS: readonly { kind: string; plural: string }[] = [
  // announcements stop first: the speakers withdraw the routes and stop answering ARP/NDP
  { kind: 'L2Advertisement', plural: 'l2advertisements' },
  { kind: 'BGPAdvertisement', plural: 'bgpadvertisements' },
  // peers before BFD profiles: MetalLB's webhook refuses to delete a profile a BGPPeer names
  { kind: 'BGPPeer', plural: 'bgppeers' },
  { kind: 'BFDProfile', plural: 'bfdprofiles' },
  { kind: 'Community', plural: 'communities' },
  { kind: 'IPAddressPool', plural: 'ipaddresspools' },
  // status objects the speaker writes for what it announces: nothing is announced any more
  { kind: 'ServiceL2Status', plural: 'servicel2statuses' },
  { kind: 'ServiceBGPStatus', plural: 'servicebgpstatuses' },
];

const HELM_RELEASE = 'meta.helm.sh/release-name';
const HELM_RELEASE_NS = 'meta.helm.sh/release-namespace';
const HELM_KEEP = 'helm.sh/resource-policy';
const WEBHOOK_CONFIGURATION = 'metallb-webhook-configuration';
/** the frr-k8s CRDs' group: frr-k8s is its own project, which MetalLB may or may not have installed */
const FRRK8S_GROUP = 'frrk8s.metallb.io';
const SHARED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

const q = (s: string) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const meta = (o: KubeObject | undefined) => ({ labels: o?.metadata?.labels ?? {}, annotations: o?.metadata?.annotations ?? {} });
const nameOf = (o: KubeObject) => String(o.metadata?.name ?? '');

/** Objects that are in the input, not derived from a legacy ConfigMap. */
function real(state: ClusterState, kind: string): KubeObject[] {
  return state.all(kind).filter((o) => !sourceOf(o)?.derivedFrom);
}

function helmRelease(o: KubeObject | undefined): { name: string; namespace?: string } | undefined {
  const { labels, annotations } = meta(o);
  const name = annotations[HELM_RELEASE] ?? (labels['app.kubernetes.io/managed-by'] === 'Helm' ? labels['app.kubernetes.io/instance'] : undefined);
  return name ? { name, ...(annotations[HELM_RELEASE_NS] ? { namespace: annotations[HELM_RELEASE_NS] } : {}) } : undefined;
}

/** Labels or annotations helmwave (https://docs.helmwave.app) puts on, or asks of, the objects of its releases. */
function carriesHelmwave(o: KubeObject | undefined): boolean {
  if (!o) return false;
  const template = asRecord(asRecord(asRecord(o.spec).template).metadata);
  const maps = [o.metadata?.labels, o.metadata?.annotations, template.labels, template.annotations].map((m) => asRecord(m));
  return maps.some((m) => Object.keys(m).some((k) => /^helmwave\.(app|dev)\//.test(k) || /helmwave/i.test(String(m[k]))));
}

/** The raw manifest of a MetalLB release for the BGP backend, as MetalLB publishes it on GitHub. */
export function manifestURL(version: string | undefined, backend: 'native' | 'frr' | 'frr-k8s' | undefined): string | undefined {
  const v = parseVersion(version);
  if (!v || !version) return undefined;
  const tag = version.startsWith('v') ? version.replace(/[-+].*$/, '') : `v${version.replace(/[-+].*$/, '')}`;
  const base = `https://raw.githubusercontent.com/metallb/metallb/${tag}`;
  if (versionBefore(version, 0, 13)) {
    // before v0.13 the manifests lived in manifests/, the FRR one from v0.12
    return backend === 'frr' && versionAtLeast(version, 0, 12) ? `${base}/manifests/metallb-frr.yaml` : `${base}/manifests/metallb.yaml`;
  }
  if (backend === 'frr-k8s') return versionAtLeast(version, 0, 14) ? `${base}/config/manifests/metallb-frr-k8s.yaml` : undefined;
  return `${base}/config/manifests/metallb-${backend === 'frr' ? 'frr' : 'native'}.yaml`;
}

function affectedServices(state: ClusterState): AffectedService[] {
  const cls = metallbLoadBalancerClass(state);
  const pools = real(state, 'IPAddressPool').map(parsePool);
  const out: AffectedService[] = [];
  for (const svc of state.all('Service')) {
    if (!isLoadBalancer(svc) || knownIgnoredByClass(svc, cls)) continue;
    const ips = asArray(asRecord(asRecord(svc.status).loadBalancer).ingress)
      .map((i) => asRecord(i).ip)
      .filter((ip): ip is string => typeof ip === 'string' && ip !== '');
    if (ips.length === 0) continue;
    const annotated = svc.metadata?.annotations?.['metallb.io/ip-allocated-from-pool'] ?? svc.metadata?.annotations?.['metallb.universe.tf/ip-allocated-from-pool'];
    const inPool = pools.find((p) => ips.some((t) => {
      const ip = parseIP(t);
      return ip !== undefined && entriesContainIP(p.valid, ip, false);
    }));
    if (!annotated && !inPool) continue;
    const pool = annotated ?? inPool?.name;
    out.push({ namespace: svc.metadata?.namespace || 'default', name: nameOf(svc), ips, ...(pool ? { pool } : {}) });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

function gapFor(state: ClusterState, kind: string, namespace?: string): Gap | undefined {
  if (state.isCaptured(kind, namespace)) return undefined;
  return state.gaps.find((g) => g.kind === kind || g.what === `list ${kind}`) ?? { what: `list ${kind}`, why: 'not in the input', kind };
}

/**
 * Does a controller pod answer MetalLB's webhook? true on any sign of a ready one (a ready pod, or
 * the Deployment's readyReplicas); false when the input shows none (no controller Deployment or
 * pod, 0 replicas, no ready pod); undefined when it does not tell.
 */
function controllerServes(state: ClusterState): boolean | undefined {
  const dep = state.metallb.controller;
  const podsSeen = state.isCaptured('Pod', state.metallb.namespace);
  const pods = podsSeen ? (dep ? podsOf(state, dep) : metallbPods(state, 'controller')) : [];
  if (pods.map(podViewOf).some((v) => v.ready && !v.terminating)) return true;
  const ready = asRecord(dep?.status).readyReplicas;
  if (typeof ready === 'number' && ready > 0) return true;
  if (podsSeen) return false;
  if (!state.isCaptured('Deployment')) return undefined;
  return !dep || asRecord(dep.spec).replicas === 0 || typeof ready === 'number' ? false : undefined;
}

export function planUninstall(state: ClusterState): UninstallPlan {
  const m = state.metallb;
  const ns = m.namespace;
  const workload = m.controller ?? m.speaker;
  const gaps: Gap[] = [];
  const noteGap = (kind: string, namespace?: string): Gap | undefined => {
    const g = gapFor(state, kind, namespace);
    if (g && !gaps.some((x) => x.what === g.what)) gaps.push(g);
    return g;
  };
  const gapText = (g: Gap) => `not seen: ${g.what} (${g.why})`;

  const crds = real(state, 'CustomResourceDefinition');
  const metallbCRDs = crds.filter((c) => asRecord(c.spec).group === METALLB_GROUP);
  const frrk8sCRDs = crds.filter((c) => asRecord(c.spec).group === FRRK8S_GROUP);
  const crdCaptured = state.isCaptured('CustomResourceDefinition');

  // ---- who installed it
  let release: ReleaseInfo | undefined;
  if (m.installedBy === 'operator' && workload) {
    const owner = asArray(workload.metadata?.ownerReferences).map(asRecord).find((r) => String(r.apiVersion ?? '').startsWith(`${METALLB_GROUP}/`));
    release = { tool: 'operator', namespace: workload.metadata?.namespace ?? ns, ...(typeof owner?.name === 'string' ? { name: owner.name } : {}) };
  } else if (m.installedBy === 'helm' && workload) {
    const h = helmRelease(m.controller) ?? helmRelease(m.speaker);
    const helmwave = [m.controller, m.speaker, ...metallbCRDs].some(carriesHelmwave);
    release = { tool: helmwave ? 'helmwave' : 'helm', namespace: h?.namespace ?? workload.metadata?.namespace ?? ns, ...(h ? { name: h.name } : {}) };
  } else if (m.installedBy === 'manifests' && workload) {
    const url = manifestURL(m.version, m.bgpBackend);
    release = { tool: 'manifests', namespace: ns, ...(url ? { manifest: url } : {}) };
  }
  const ownedByRelease = (o: KubeObject): boolean => {
    if (!release || (release.tool !== 'helm' && release.tool !== 'helmwave') || !release.name) return false;
    const h = helmRelease(o);
    return h?.name === release.name && (h.namespace ?? release.namespace) === release.namespace && meta(o).annotations[HELM_KEEP] !== 'keep';
  };

  const steps: PlanStep[] = [];

  // ---- 1. what depends on MetalLB
  const services = affectedServices(state);
  {
    const notes: string[] = [];
    const g = noteGap('Service');
    if (g) notes.push(`${gapText(g)}: any LoadBalancer Service holding a MetalLB address loses it; list them before you start`);
    if (services.length > 0 || g) {
      const byNs = new Map<string, string[]>();
      for (const s of services) byNs.set(s.namespace, [...(byNs.get(s.namespace) ?? []), s.name]);
      const commands = g
        ? ['kubectl get services --all-namespaces -o wide']
        : [...byNs].map(([n, names]) => `kubectl get services -n ${q(n)} ${names.map(q).join(' ')} -o wide --ignore-not-found`);
      notes.push('nothing here is deleted: the Services stay, without an external address (EXTERNAL-IP <pending>) until another load balancer serves them');
      steps.push({
        id: 'services',
        title: 'LoadBalancer Services that lose their addresses',
        why: 'First, so their owners can move them (another load balancer, a NodePort) before the addresses stop being announced: once the configuration goes (step 2), clients of these addresses lose them',
        removes: services.map((s) => `Service ${s.namespace}/${s.name} (${s.ips.join(', ')}${s.pool ? `, pool ${s.pool}` : ''}): its address`),
        commands,
        notes,
      });
    }
  }

  // MetalLB's webhook configuration (failurePolicy Fail) and whether anything answers it
  const gV = noteGap('ValidatingWebhookConfiguration');
  const vwcs = real(state, 'ValidatingWebhookConfiguration').filter(
    (v) =>
      nameOf(v) === WEBHOOK_CONFIGURATION ||
      asArray(v.webhooks).some((w) => {
        const svc = asRecord(asRecord(asRecord(w).clientConfig).service);
        return svc.namespace === ns && /\.metallb\.io$/.test(String(asRecord(w).name ?? ''));
      }),
  );
  const deleteWebhooks = (list: KubeObject[]) => {
    const out = { commands: [] as string[], removes: [] as string[], notes: [] as string[] };
    for (const v of list) {
      out.commands.push(`kubectl delete validatingwebhookconfiguration ${q(nameOf(v))} --ignore-not-found`);
      out.removes.push(`ValidatingWebhookConfiguration ${nameOf(v)}`);
    }
    if (gV) {
      out.commands.push(`kubectl delete validatingwebhookconfiguration ${WEBHOOK_CONFIGURATION} --ignore-not-found`);
      out.removes.push(`ValidatingWebhookConfiguration ${WEBHOOK_CONFIGURATION}, if it is there`);
      out.notes.push(gapText(gV));
    }
    return out;
  };
  // with no controller to answer, the webhook (failurePolicy Fail, and DELETE of bfdprofiles among
  // its operations) makes the API server refuse step 2's deletes: the configuration goes first then
  const webhookFirst = controllerServes(state) === false && (vwcs.length > 0 || gV !== undefined);
  let webhookDone = false;

  // ---- 2. the configuration objects
  {
    const commands: string[] = [];
    const removes: string[] = [];
    const notes: string[] = [];
    const crdOf = (plural: string) => metallbCRDs.find((c) => nameOf(c) === `${plural}.${METALLB_GROUP}`);
    for (const { kind, plural } of CONFIG_KINDS) {
      const objs = real(state, kind);
      const resource = `${plural}.${METALLB_GROUP}`;
      const g = noteGap(kind, ns);
      if (g) {
        // unknown: remove whatever there is, when the CRD exists or the CRDs were not read
        if (crdOf(plural) || !crdCaptured) {
          commands.push(`kubectl delete ${resource} -n ${q(ns)} --all`);
          removes.push(`${kind} objects in ${ns}, if any`);
          notes.push(gapText(g));
        }
        continue;
      }
      const here = objs.filter((o) => !o.metadata?.namespace || o.metadata.namespace === ns);
      const elsewhere = objs.filter((o) => o.metadata?.namespace && o.metadata.namespace !== ns);
      if (here.length) {
        commands.push(`kubectl delete ${resource} -n ${q(ns)} --all`);
        // status objects are many and named by the speaker: counted, not listed
        if (kind.startsWith('Service')) removes.push(`${here.length} ${kind} object${here.length > 1 ? 's' : ''} in ${ns} (status the speakers write)`);
        else removes.push(...here.map((o) => `${kind} ${ns}/${nameOf(o)}`));
      }
      for (const o of elsewhere) {
        commands.push(`kubectl delete ${resource} ${q(nameOf(o))} -n ${q(o.metadata.namespace!)} --ignore-not-found`);
        removes.push(`${kind} ${o.metadata.namespace}/${nameOf(o)} (outside ${ns}: MetalLB never read it)`);
      }
    }
    if (m.configSource === 'configmap' && m.configMap && !sourceOf(m.configMap)?.derivedFrom) {
      const cm = m.configMap;
      commands.push(`kubectl delete configmap ${q(nameOf(cm))} -n ${q(cm.metadata?.namespace ?? ns)} --ignore-not-found`);
      removes.push(`ConfigMap ${cm.metadata?.namespace ?? ns}/${nameOf(cm)} (the configuration of MetalLB ${m.version ?? 'before v0.13'})`);
    }
    if (commands.length && webhookFirst) {
      // the webhook configuration leaves step 5 for the head of this one
      const w = deleteWebhooks(vwcs);
      steps.push({
        id: 'configuration',
        title: "MetalLB's configuration",
        why:
          "No controller runs to answer MetalLB's webhook, so its configuration goes first: with failurePolicy Fail the API server refuses every call the webhook covers while nothing answers, and the BFDProfile webhook covers DELETE. Then the configuration: advertisements first, peers before BFD profiles, pools last",
        removes: [...w.removes, ...removes],
        commands: [...w.commands, ...commands],
        notes: [...w.notes, ...notes],
      });
    } else if (commands.length) {
      steps.push({
        id: 'configuration',
        title: "MetalLB's configuration",
        why:
          'Before the release, while the controller still runs: its webhook answers for these kinds (and refuses to delete a BFDProfile a BGPPeer names, hence peers first), and the speakers withdraw what they announce instead of vanishing mid-announcement. Advertisements go first, pools last',
        removes,
        commands,
        notes,
      });
    }
    webhookDone = commands.length > 0 && webhookFirst;
  }

  // ---- 3. the release
  {
    const notes: string[] = [];
    const commands: string[] = [];
    const removes: string[] = [];
    const gD = noteGap('Deployment');
    const gDS = noteGap('DaemonSet');
    if (release?.tool === 'helm' || release?.tool === 'helmwave') {
      const name = release.name ?? 'metallb';
      if (!release.name) notes.push('the release name is not on the workloads (no meta.helm.sh/release-name annotation): check it with `helm list -A`');
      const helm = `helm uninstall ${q(name)} -n ${q(release.namespace)} --wait`;
      if (release.tool === 'helmwave') {
        commands.push(`(cd "\${HELMWAVE_DIR:-./metallb}" && helmwave build && helmwave down)`);
        notes.push(
          'run in the folder of the helmwave.yml that installed MetalLB (set HELMWAVE_DIR; `init` writes ./metallb); `helmwave down` removes every release of that helmwave.yml: if it holds others, run `' +
            helm +
            '` instead',
        );
      } else commands.push(helm);
      removes.push(`Helm release ${release.namespace}/${name}: the controller and speaker, their RBAC, the webhook Service and configuration${metallbCRDs.some(ownedByRelease) ? ', the CRDs the chart installed (and with them every object left of those kinds)' : ''}${m.bgpBackend === 'frr-k8s' && frrk8sCRDs.some(ownedByRelease) ? ', frr-k8s (the chart\'s subchart)' : ''}`);
    } else if (release?.tool === 'manifests') {
      if (release.manifest) {
        commands.push(`kubectl delete -f ${release.manifest} --ignore-not-found`);
        removes.push(`everything the ${m.version} manifest holds: the namespace ${ns}, the controller and speaker, their RBAC, the webhook, the CRDs${m.bgpBackend === 'frr-k8s' ? ', frr-k8s' : ''}`);
      } else {
        const named = [m.controller, m.speaker].filter((o): o is KubeObject => !!o).map((o) => `${o.kind.toLowerCase()}/${nameOf(o)}`);
        commands.push(`kubectl delete ${named.join(' ')} -n ${q(ns)} --ignore-not-found`);
        removes.push(...named.map((n) => `${n} in ${ns}`));
        notes.push(
          `the version (${m.version ?? 'unknown'}) names no release manifest: the controller and speaker are deleted by name; delete the rest with \`kubectl delete -f\` of the manifest you applied (its ClusterRoles and bindings are cluster-wide and outlive the namespace)`,
        );
      }
    } else if (release?.tool === 'operator') {
      if (release.name) {
        commands.push(`kubectl delete metallbs.metallb.io ${q(release.name)} -n ${q(release.namespace)} --ignore-not-found`);
        commands.push(`kubectl wait --for=delete metallbs.metallb.io/${q(release.name)} -n ${q(release.namespace)} --timeout=5m`);
        removes.push(`MetalLB ${release.namespace}/${release.name}: the operator removes the controller and speaker it deployed`);
      }
      // OLM's objects are not read by this tool: find them by name
      commands.push(
        `for s in $(kubectl get subscriptions.operators.coreos.com -n ${q(release.namespace)} -o name 2>/dev/null | grep metallb); do kubectl delete -n ${q(release.namespace)} "$s"; done`,
        `for c in $(kubectl get clusterserviceversions.operators.coreos.com -n ${q(release.namespace)} -o name 2>/dev/null | grep metallb-operator); do kubectl delete -n ${q(release.namespace)} "$c"; done`,
      );
      removes.push('the operator: its OLM Subscription and ClusterServiceVersion');
      notes.push(
        `OLM's Subscriptions and ClusterServiceVersions are not read by this tool: the commands find them by name in ${release.namespace}; if the operator was installed from its manifest instead, \`kubectl delete -f\` that manifest`,
      );
    }
    if (!release && (gD || gDS)) {
      notes.push(`${gapText((gD ?? gDS)!)}: how MetalLB was installed is unknown; look with \`helm list -A\` and \`kubectl get deployments,daemonsets -A -l app.kubernetes.io/name=metallb\``);
      steps.push({ id: 'release', title: 'The MetalLB release', why: 'After the configuration, before the CRDs', removes: [], commands: [], notes });
    } else if (release) {
      const tool = { helm: 'Helm', helmwave: 'helmwave', manifests: 'the release manifest', operator: 'the MetalLB Operator' }[release.tool];
      steps.push({
        id: 'release',
        title: `The MetalLB release (${tool})`,
        why:
          release.tool === 'operator'
            ? 'After the configuration: the MetalLB resource goes first (the operator removes what it deployed), then the operator. The operator must still run while its MetalLB resource is deleted'
            : release.tool === 'manifests'
              ? 'After the configuration (step 2 needs the controller and its webhook), before the CRDs and the namespace: the manifest names every object it created, the cluster-wide ones (ClusterRoles and their bindings, the webhook configuration, the CRDs) included, which deleting the namespace would leave behind'
              : 'After the configuration (step 2 needs the controller and its webhook), before the CRDs and the namespace: Helm keeps the release record in the namespace, so removing the namespace first would lose it and strand the release\'s cluster-wide objects (ClusterRoles and their bindings, the webhook configuration)',
        removes,
        commands,
        notes,
      });
    }
  }

  // ---- 4. the CRDs
  {
    const notes: string[] = [];
    let names: string[];
    const commands: string[] = [];
    if (!crdCaptured) {
      const g = noteGap('CustomResourceDefinition')!;
      notes.push(`${gapText(g)}: the command finds metallb.io's CRDs by name`);
      commands.push(`for crd in $(kubectl get crd -o name | grep -E '/[a-z0-9-]+\\.metallb\\.io$'); do kubectl delete "$crd"; done`);
      names = [];
    } else {
      // Helm removes the CRDs of the chart's crds subchart itself; the manifest holds those of its version
      const left = metallbCRDs.filter((c) => !ownedByRelease(c));
      const frr = frrk8sCRDs.filter((c) => !ownedByRelease(c) && m.bgpBackend === 'frr-k8s' && release?.tool === 'manifests' && !helmRelease(c));
      names = [...left, ...frr].map(nameOf).sort();
      if (names.length) commands.push(`kubectl delete crd ${names.map(q).join(' ')} --ignore-not-found`);
      const kept = frrk8sCRDs.filter((c) => !ownedByRelease(c) && !frr.includes(c));
      if (kept.length) notes.push(`frr-k8s's CRDs (${kept.map(nameOf).sort().join(', ')}) stay: MetalLB did not install them (frr-k8s runs on its own, or under another release)`);
      if (release?.tool === 'manifests' && names.length) notes.push('`kubectl delete -f` of step 3 deleted those its manifest holds; this removes any other (left by another version)');
    }
    if (commands.length) {
      steps.push({
        id: 'crds',
        title: "MetalLB's CRDs",
        why: 'After the release: nothing runs that reads these kinds any more. Deleting a CRD deletes every object of its kind that is left, in every namespace',
        removes: names.map((n) => `CustomResourceDefinition ${n}`),
        commands,
        notes,
      });
    }
  }

  // ---- 5. leftovers: the webhook configuration, the memberlist Secret
  {
    // the webhook configuration, unless step 2 began with it
    const { commands, removes, notes }: Record<'commands' | 'removes' | 'notes', string[]> = webhookDone
      ? { commands: [], removes: [], notes: [] }
      : deleteWebhooks(vwcs.filter((x) => !ownedByRelease(x)));
    // the controller creates the memberlist Secret at run time: no release owns it
    const secretNames = new Set<string>();
    if (m.speaker) for (const r of memberlistSecretRefs(m.speaker)) secretNames.add(r.secret);
    for (const s of real(state, 'Secret')) if ((s.metadata?.namespace ?? ns) === ns && /memberlist/.test(nameOf(s))) secretNames.add(nameOf(s));
    const deleteNamespace = namespaceDeletable(state, ns, release);
    for (const name of [...secretNames].sort()) {
      const seen = state.get('Secret', ns, name);
      if (!seen && state.isCaptured('Secret', ns, name)) continue;
      commands.push(`kubectl delete secret ${q(name)} -n ${q(ns)} --ignore-not-found`);
      removes.push(`Secret ${ns}/${name} (memberlist key, created by the controller)`);
    }
    if (commands.length) {
      const whyWebhook = removes.some((x) => x.startsWith('ValidatingWebhookConfiguration'))
        ? ['a webhook configuration left pointing at a deleted Service, with failurePolicy Fail, makes the API server refuse every create and update of metallb.io objects (a later reinstall included)']
        : [];
      const whySecret = secretNames.size
        ? [`the memberlist Secret is created by the controller at run time, so no release removes it${deleteNamespace.ok ? ' (deleting the namespace, next, would remove it too; this makes sure when the namespace stays)' : ''}`]
        : [];
      steps.push({
        id: 'leftovers',
        title: 'What the release leaves behind',
        why: `After the release and the CRDs, when nothing recreates them: ${[...whyWebhook, ...whySecret].join('; ')}`,
        removes,
        commands,
        notes,
      });
    }
  }

  // ---- 6. the namespace
  {
    const d = namespaceDeletable(state, ns, release);
    const found = steps.some((s) => s.id !== 'services') || release !== undefined;
    const nsObj = state.get('Namespace', undefined, ns);
    const gN = noteGap('Namespace');
    if (d.ok && (nsObj || (gN && found))) {
      steps.push({
        id: 'namespace',
        title: `The namespace ${ns}`,
        why: `Last: everything above lived in it${release?.tool === 'helm' || release?.tool === 'helmwave' ? ' (Helm keeps its release record there)' : ''}, and deleting it earlier would take the controller away before the configuration and the release were removed in order`,
        removes: [`Namespace ${ns} and everything left in it`],
        commands: [`kubectl delete namespace ${q(ns)} --ignore-not-found --wait`],
        notes: [
          ...(gN ? [gapText(gN)] : []),
          ...(release?.tool === 'manifests' && release.manifest ? ['the manifest of step 3 holds the namespace: this is a no-op unless it was kept'] : []),
        ],
      });
    } else if (!d.ok && nsObj && found) {
      const last = steps[steps.length - 1];
      last?.notes.push(`the namespace ${ns} stays: ${d.why}`);
    }
  }

  const anything = release !== undefined || steps.some((s) => s.id !== 'services');
  const nothingInstalled = !anything && gaps.length === 0;
  return {
    namespace: ns,
    ...(m.version ? { version: m.version } : {}),
    ...(m.bgpBackend ? { bgpBackend: m.bgpBackend } : {}),
    ...(release ? { release } : {}),
    services,
    // with nothing of MetalLB, Services with addresses from elsewhere are not its business
    steps: anything || gaps.length ? steps : [],
    nothingInstalled,
    gaps,
  };
}

/** The namespace may go when it is MetalLB's own: not a system namespace, and nothing else runs there. */
function namespaceDeletable(state: ClusterState, ns: string, release: ReleaseInfo | undefined): { ok: boolean; why: string } {
  if (SHARED_NAMESPACES.has(ns)) return { ok: false, why: `${ns} is a namespace of the cluster itself` };
  const m = state.metallb;
  const ours = new Set([m.controller, m.speaker]);
  const others = [...state.all('Deployment'), ...state.all('DaemonSet')].filter((w) => w.metadata?.namespace === ns && !ours.has(w) && !isMetalLBFamily(w, release));
  if (others.length) return { ok: false, why: `other workloads run there (${others.map((w) => `${w.kind} ${nameOf(w)}`).join(', ')})` };
  return { ok: true, why: '' };
}

/** frr-k8s beside MetalLB, or the operator's own Deployment: they go with the namespace. */
function isMetalLBFamily(w: KubeObject, release: ReleaseInfo | undefined): boolean {
  const images = containers(w).map((c) => String(c.image ?? ''));
  if (images.some((i) => /metallb|frr-k8s|frrouting\/frr/.test(i))) return true;
  const h = helmRelease(w);
  return h !== undefined && release?.name === h.name;
}

/** The cluster the plan was read from, as kubectl and helm name it on their command lines. */
export interface UninstallTarget {
  /** the kubeconfig context the plan was read from */
  context: string;
  /** the --kubeconfig file it was given (absolute), if any */
  kubeconfig?: string;
}

/**
 * Every kubectl and helm of a command, made to act on the target: a plan read from context
 * "prod" must not run against whatever context is current when someone runs it later.
 * (helmwave takes its releases' own context: the caller says so in a note.)
 */
export function pinCommand(command: string, t: UninstallTarget): string {
  const kc = t.kubeconfig ? ` --kubeconfig ${q(t.kubeconfig)}` : '';
  return command
    .replace(/(^|[\s;&|(`])kubectl(?= )/g, `$1kubectl --context ${q(t.context)}${kc}`)
    .replace(/(^|[\s;&|(`])helm(?= )/g, `$1helm --kube-context ${q(t.context)}${kc}`);
}
