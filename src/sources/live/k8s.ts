// The one door to @kubernetes/client-node: its KubeConfig (kubeconfig files, contexts, every kind
// of credential). Importing the package loads 2,500 modules (0.7 s); the build replaces this file
// in dist with a bundle of what KubeConfig needs (scripts/postbuild.mjs, 0.15 s to load).
export { KubeConfig } from '@kubernetes/client-node';
export type { Cluster, Context, User } from '@kubernetes/client-node';
