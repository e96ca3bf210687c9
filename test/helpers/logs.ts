// Log lines for rule tests, written as MetalLB's go-kit JSON logger writes them (keys sorted,
// `caller`, `level`, `ts` RFC 3339 seconds), and the pods they come from.
import { bundleJson, node, speakerPod } from './cluster.js';
import { docs } from './services.js';

/** One go-kit JSON line: keys sorted as go-kit's JSON logger writes them. */
export function kit(ts: string, fields: Record<string, unknown>): string {
  const o: Record<string, unknown> = { ...fields, ts: `2026-11-20T${ts}Z` };
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) sorted[k] = o[k];
  return JSON.stringify(sorted);
}

/** A speaker's log line (caller main.go:1 unless given). */
export function sp(ts: string, level: string, fields: Record<string, unknown>): string {
  return kit(ts, { caller: 'main.go:1', level, ...fields });
}

/** The ServiceReconciler's brackets around a service's lines (MetalLB 0.13+). */
export function reconcile(ts: string, svc: string, inner: string[]): string[] {
  return [
    kit(ts, { caller: 'service_controller.go:64', controller: 'ServiceReconciler', level: 'info', 'start reconcile': svc }),
    ...inner,
    kit(ts, { caller: 'service_controller.go:65', controller: 'ServiceReconciler', level: 'info', 'end reconcile': svc }),
  ];
}

export function controllerPod(nodeName = 'node-a'): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: controller-abc
  namespace: metallb-system
  labels: { app: metallb, component: controller }
spec:
  nodeName: ${nodeName}
  containers:
  - name: controller
    image: quay.io/metallb/controller:v0.15.2
status:
  phase: Running
`;
}

/** A bundle: nodes node-a..node-c with a speaker each, the controller, extra resources, and the logs given by pod/container. */
export function logBundle(logs: Record<string, string[]>, resources = ''): Record<string, string> {
  const files: Record<string, string> = {
    'bundle.json': bundleJson(),
    'resources/cluster.yaml': docs(node('node-a'), node('node-b'), node('node-c'), speakerPod('node-a'), speakerPod('node-b'), speakerPod('node-c'), controllerPod(), ...(resources ? [resources] : [])),
  };
  for (const [where, lines] of Object.entries(logs)) files[`logs/metallb-system/${where}.log`] = lines.join('\n') + '\n';
  return files;
}
