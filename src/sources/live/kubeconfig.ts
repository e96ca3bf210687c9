// Which cluster, and as whom: kubeconfig files found and merged as kubectl finds and merges them,
// or the pod's own service account. @kubernetes/client-node reads each file and does the
// authentication (tokens, client certificates, exec plugins such as gke-gcloud-auth-plugin).
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, resolve } from 'node:path';
import { isMap, isSeq, parseDocument } from 'yaml';
import { KubeConfig, type Cluster, type Context, type User } from './k8s.js';
import { InputError, SourceError } from '../types.js';

export interface KubeconfigOptions {
  /** --kubeconfig: one file, as kubectl takes it (no merging) */
  kubeconfig?: string;
  /** --context */
  context?: string;
  env?: NodeJS.ProcessEnv;
}

export interface ResolvedConfig {
  kc: KubeConfig;
  /** the context in use ('in-cluster' for the service account) */
  context: string;
  cluster: Cluster;
  user?: User;
  /** the files read, in merge order */
  files: string[];
}

const SERVICE_ACCOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** A user's token file, as kubectl takes it: resolved against its kubeconfig's directory, read only when the user is used. */
type WithTokenFile = User & { tokenFile?: string };

/** The token file of a user (kubeconfig `tokenFile`, or client-node's `token-file`), as an absolute path. */
export function tokenFileOf(user: User | undefined): string | undefined {
  return (user as WithTokenFile | undefined)?.tokenFile;
}

/**
 * Takes the token files out of a kubeconfig's text before client-node reads it: client-node 1.4
 * reads only `token-file` (kubectl's key is `tokenFile`), relative to the working directory, and
 * at once for every user, so that a user nobody uses fails the whole file. kubectl (client-go)
 * resolves `tokenFile` against the file's directory and reads it for the user in use only.
 * Returns the text client-node is to read, and the token file of each user by name.
 */
function takeTokenFiles(text: string, dir: string): { text: string; files: Map<string, string> } {
  const files = new Map<string, string>();
  if (!/token-?file/i.test(text)) return { text, files };
  const doc = parseDocument(text);
  const users = doc.errors.length === 0 ? doc.get('users') : undefined;
  if (!isSeq(users)) return { text, files };
  for (const entry of users.items) {
    const user = isMap(entry) ? entry.get('user') : undefined;
    if (!isMap(entry) || !isMap(user)) continue;
    let file: unknown;
    for (const key of ['tokenFile', 'token-file']) {
      if (!user.has(key)) continue;
      file ??= user.get(key);
      user.delete(key);
    }
    if (typeof file === 'string' && file !== '') files.set(String(entry.get('name')), resolve(dir, file));
  }
  return { text: doc.toString(), files };
}

/** Reads one kubeconfig file; a file that is not a kubeconfig is a one-line error naming it. */
function readFile(file: string): KubeConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(file, err.code === 'ENOENT' ? 'no such kubeconfig file' : err.code === 'EACCES' ? 'permission denied' : err.code === 'EISDIR' ? 'a directory, not a kubeconfig file' : err.message);
  }
  const kc = new KubeConfig();
  // an empty file (or only comments) is an empty configuration to kubectl, not an error
  if (text.replace(/^\s*#.*$/gm, '').trim() === '') {
    kc.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
    return kc;
  }
  try {
    const dir = resolve(file, '..');
    const taken = takeTokenFiles(text, dir);
    kc.loadFromString(taken.text);
    kc.makePathsAbsolute(dir);
    for (const u of kc.users) {
      const tokenFile = taken.files.get(u.name);
      if (tokenFile) (u as WithTokenFile).tokenFile = tokenFile;
      // an exec plugin named by a relative path (./plugin.sh, bin/plugin) is the file's, as kubectl
      // takes it; a bare name (gke-gcloud-auth-plugin) is looked up on the PATH
      const exec = u.exec as { command?: unknown } | undefined;
      if (exec && typeof exec.command === 'string' && exec.command.includes('/') && !isAbsolute(exec.command)) exec.command = resolve(dir, exec.command);
    }
  } catch (e) {
    const err = e as Error & { mark?: { line?: number } };
    const line = err.mark?.line !== undefined ? err.mark.line + 1 : undefined;
    const message = (err.message.split('\n')[0] ?? 'not a kubeconfig').replace(/^YAMLException: /, '');
    throw new InputError(file, `not a valid kubeconfig: ${message}`, line);
  }
  return kc;
}

/** The API server's URL, if `server` is an http(s) URL (what the client can connect to). */
function serverUrl(server: unknown): URL | undefined {
  if (typeof server !== 'string') return undefined;
  try {
    const u = new URL(server);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
}

/**
 * kubectl's merge of $KUBECONFIG: the first file that sets current-context wins, and the first
 * file that defines a cluster, user or context of a given name wins it (client-node's own
 * mergeConfig throws on a second definition instead).
 */
export function mergeKubeconfigs(configs: KubeConfig[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let current = '';
  for (const kc of configs) {
    if (!current && kc.currentContext) current = kc.currentContext;
    for (const c of kc.clusters ?? []) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of kc.users ?? []) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of kc.contexts ?? []) if (!contexts.has(c.name)) contexts.set(c.name, c);
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [...clusters.values()], users: [...users.values()], contexts: [...contexts.values()], currentContext: current });
  return merged;
}

/** The kubeconfig kubectl would use: --kubeconfig, else $KUBECONFIG (merged), else ~/.kube/config, else in-cluster. */
export function resolveKubeconfig(opts: KubeconfigOptions = {}): ResolvedConfig {
  const env = opts.env ?? process.env;
  let kc: KubeConfig | undefined;
  let files: string[] = [];
  if (opts.kubeconfig) {
    files = [opts.kubeconfig];
    kc = readFile(opts.kubeconfig);
  } else if (env.KUBECONFIG) {
    // kubectl skips the files of $KUBECONFIG that do not exist
    files = env.KUBECONFIG.split(delimiter).filter((f) => f && existsSync(f));
    if (files.length > 0) kc = mergeKubeconfigs(files.map(readFile));
  } else {
    const home = env.HOME || homedir();
    const file = resolve(home, '.kube', 'config');
    if (existsSync(file)) {
      files = [file];
      kc = readFile(file);
    }
  }
  if (!kc) {
    if (env.KUBERNETES_SERVICE_HOST && existsSync(`${SERVICE_ACCOUNT}/token`)) {
      kc = new KubeConfig();
      kc.loadFromCluster();
      const cluster = kc.getCurrentCluster();
      if (!cluster) throw new SourceError('in-cluster credentials: no cluster');
      return { kc, context: 'in-cluster', cluster, user: kc.getCurrentUser() ?? undefined, files: [] };
    }
    throw new SourceError(
      env.KUBECONFIG
        ? `no kubeconfig: none of the files of KUBECONFIG exists (${env.KUBECONFIG}); or use --from SNAPSHOT`
        : 'no cluster to read: no ~/.kube/config, no KUBECONFIG, no --kubeconfig, and not running in a pod; or use --from SNAPSHOT',
    );
  }
  const where = files.join(delimiter);
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const names = kc.getContexts().map((c) => c.name);
      throw new SourceError(`--context ${opts.context}: no such context in ${where}${names.length ? ` (contexts: ${names.join(', ')})` : ''}`);
    }
    kc.setCurrentContext(opts.context);
  }
  const context = kc.getCurrentContext();
  if (!context) throw new SourceError(`${where}: no current-context; pass --context (contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
  const ctx = kc.getContextObject(context);
  if (!ctx) throw new SourceError(`${where}: current-context "${context}" is not defined`);
  const cluster = kc.getCluster(ctx.cluster);
  if (!cluster) throw new SourceError(`${where}: context "${context}" names cluster "${ctx.cluster}", which is not defined`);
  if (!serverUrl(cluster.server)) {
    const hint = cluster.server && !cluster.server.includes('://') && serverUrl(`https://${cluster.server}`) ? ` (write https://${cluster.server})` : '';
    throw new SourceError(`${where}: cluster "${cluster.name}" has ${cluster.server ? `server ${JSON.stringify(cluster.server)}, not an http(s) URL${hint}` : 'no server'}`);
  }
  const user = ctx.user ? (kc.getUser(ctx.user) ?? undefined) : undefined;
  if (ctx.user && !user) throw new SourceError(`${where}: context "${context}" names user "${ctx.user}", which is not defined`);
  return { kc, context, cluster, user, files };
}
