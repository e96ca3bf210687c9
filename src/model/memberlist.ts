// How MetalLB's speaker reaches its memberlist Secret (speaker/main.go, the chart's speaker template):
// read by memberlist-secret-missing, and by the live source, which fetches only the Secrets MetalLB uses.
import type { FieldPath, KubeObject } from '../sources/types.js';
import { asArray, asRecord } from '../state/cluster-state.js';
import { argValue } from '../state/installation.js';
import { templateSpec } from './scheduling.js';

/** The file the speaker reads under --ml-secret-key-path, and the key the controller writes (internal/k8s MLSecretKeyName). */
export const ML_SECRET_KEY = 'secretkey';

export interface MemberlistSecretRef {
  /** env METALLB_ML_SECRET_KEY (speakers before v0.13.8) or a Secret volume mounted at the key path (v0.13.8 and later) */
  via: 'env' | 'volume';
  secret: string;
  /** the key that must exist */
  key: string;
  /** a volume whose items project no file named secretkey: the speaker finds no key file whatever the Secret holds */
  noKeyFile?: boolean;
  optional: boolean;
  container: string;
  /** where the reference is written in the DaemonSet */
  path: FieldPath;
  /** the mount path (volume) */
  mountPath?: string;
}

const TEMPLATE: FieldPath = ['spec', 'template', 'spec'];
const trimSlash = (p: string) => (p.length > 1 ? p.replace(/\/+$/, '') : p);

export function envEntry(c: Record<string, unknown>, name: string): { entry: Record<string, unknown>; index: number } | undefined {
  const list = asArray(c.env);
  for (let i = 0; i < list.length; i++) {
    const e = asRecord(list[i]);
    if (e.name === name) return { entry: e, index: i };
  }
  return undefined;
}

/** How the speaker's pod template reaches the memberlist Secret (speaker/main.go, charts/metallb/templates/speaker.yaml). */
export function memberlistSecretRefs(ds: KubeObject): MemberlistSecretRef[] {
  const spec = templateSpec(ds);
  const containers = asArray(spec.containers).map(asRecord);
  const volumes = asArray(spec.volumes).map(asRecord);
  const out: MemberlistSecretRef[] = [];
  const seenVolumes = new Set<number>();

  const volumeRef = (vi: number, container: string, mountPath: string | undefined): MemberlistSecretRef | undefined => {
    const v = volumes[vi]!;
    const secret = asRecord(v.secret);
    if (typeof secret.secretName === 'string' && secret.secretName !== '') {
      const items = asArray(secret.items).map(asRecord);
      const item = items.find((it) => it.path === ML_SECRET_KEY);
      return {
        via: 'volume',
        secret: secret.secretName,
        key: items.length === 0 ? ML_SECRET_KEY : typeof item?.key === 'string' ? item.key : ML_SECRET_KEY,
        ...(items.length > 0 && !item ? { noKeyFile: true } : {}),
        optional: secret.optional === true,
        container,
        path: [...TEMPLATE, 'volumes', vi, 'secret', 'secretName'],
        ...(mountPath ? { mountPath } : {}),
      };
    }
    // a projected volume: its first Secret source
    const sources = asArray(asRecord(v.projected).sources).map(asRecord);
    const si = sources.findIndex((s) => typeof asRecord(s.secret).name === 'string');
    if (si < 0) return undefined;
    const src = asRecord(sources[si]!.secret);
    const items = asArray(src.items).map(asRecord);
    const item = items.find((it) => it.path === ML_SECRET_KEY);
    return {
      via: 'volume',
      secret: src.name as string,
      key: items.length === 0 ? ML_SECRET_KEY : typeof item?.key === 'string' ? item.key : ML_SECRET_KEY,
      ...(items.length > 0 && !item ? { noKeyFile: true } : {}),
      optional: src.optional === true,
      container,
      path: [...TEMPLATE, 'volumes', vi, 'projected', 'sources', si, 'secret', 'name'],
      ...(mountPath ? { mountPath } : {}),
    };
  };

  containers.forEach((c, ci) => {
    const cname = typeof c.name === 'string' ? c.name : `#${ci}`;
    const env = envEntry(c, 'METALLB_ML_SECRET_KEY');
    const ref = env ? asRecord(asRecord(env.entry.valueFrom).secretKeyRef) : {};
    if (env && typeof ref.name === 'string' && ref.name !== '') {
      out.push({
        via: 'env',
        secret: ref.name,
        key: typeof ref.key === 'string' ? ref.key : '',
        optional: ref.optional === true,
        container: cname,
        path: [...TEMPLATE, 'containers', ci, 'env', env.index, 'valueFrom', 'secretKeyRef', 'name'],
      });
    }
    const pathEnv = envEntry(c, 'METALLB_ML_SECRET_KEY_PATH')?.entry.value;
    const keyPath = argValue(c, 'ml-secret-key-path') ?? (typeof pathEnv === 'string' ? pathEnv : undefined);
    if (!keyPath) return;
    const mount = asArray(c.volumeMounts).map(asRecord).find((m) => typeof m.mountPath === 'string' && trimSlash(m.mountPath) === trimSlash(keyPath));
    if (!mount) return;
    const vi = volumes.findIndex((v) => v.name === mount.name);
    if (vi < 0 || seenVolumes.has(vi)) return;
    const r = volumeRef(vi, cname, keyPath);
    if (r) {
      seenVolumes.add(vi);
      out.push(r);
    }
  });
  return out;
}

