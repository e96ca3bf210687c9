// ConfigurationState objects (v0.15.3+, metallb-semantics.md 1.8.3): one named "controller" and one
// per speaker, "speaker-<node>" (labels metallb.io/component-type, metallb.io/node-name), written by
// internal/k8s/controllers/configuration_state_controller.go.
import type { KubeObject } from '../sources/types.js';
import type { ClusterState } from '../state/cluster-state.js';

/** The node a speaker's ConfigurationState belongs to (label metallb.io/node-name, else its name speaker-<node>). */
export function configurationStateNode(cs: KubeObject): string | undefined {
  const label = cs.metadata?.labels?.['metallb.io/node-name'];
  if (typeof label === 'string' && label) return label;
  const name = cs.metadata?.name ?? '';
  return name.startsWith('speaker-') ? name.slice('speaker-'.length) : undefined;
}

export function isControllerState(cs: KubeObject): boolean {
  return cs.metadata?.labels?.['metallb.io/component-type'] === 'controller' || cs.metadata?.name === 'controller';
}

/**
 * A speaker's ConfigurationState whose Node is gone. Until v0.16.0 ("ConfigState: Add OwnerRef to
 * resources") the objects had no owner, so they outlived their speaker and what they say is stale.
 * False when the Nodes are not in the input.
 */
export function isOrphanConfigurationState(state: ClusterState, cs: KubeObject): boolean {
  if (!state.isCaptured('Node') || isControllerState(cs)) return false;
  const node = configurationStateNode(cs);
  return node !== undefined && state.get('Node', undefined, node) === undefined;
}
