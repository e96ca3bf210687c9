// The kubeconfig a replay writes: plain http with insecure-skip-tls-verify, which both kubectl and
// @kubernetes/client-node accept without a certificate (kube-api-notes.md, "Transport").
import { readFile, writeFile } from 'node:fs/promises';

/** First line of every kubeconfig replay writes: only such a file is ever overwritten. */
export const KUBECONFIG_MARKER = '# written by metallb-doctor replay';

export function kubeconfigText(url: string, source: string): string {
  return `${KUBECONFIG_MARKER}: ${source.replace(/[\r\n]/g, ' ')} (read-only)
apiVersion: v1
kind: Config
clusters:
- name: replay
  cluster:
    server: ${url}
    insecure-skip-tls-verify: true
users:
- name: replay
  user:
    token: replay
contexts:
- name: replay
  context:
    cluster: replay
    user: replay
current-context: replay
preferences: {}
`;
}

/** Writes the kubeconfig; refuses to replace a file replay did not write (someone's real kubeconfig). */
export async function writeKubeconfig(path: string, text: string): Promise<void> {
  let existing: string | undefined;
  try {
    existing = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (existing !== undefined && !existing.startsWith(KUBECONFIG_MARKER)) {
    throw new Error(`${path} exists and was not written by replay: not overwriting it`);
  }
  await writeFile(path, text, { mode: 0o600 });
}
