// MetalLB's Prometheus metrics (--metrics: read through the API server's pod proxy; metrics/ in a
// bundle): the text exposition format parsed, and the two facts rules read from it:
//   metallb_bgp_session_up{peer="ADDR:PORT"} 0|1   the speaker's (or FRR's) BGP session to a peer
//   metallb_k8s_client_config_stale_bool 0|1       the component runs on a configuration that
//                                                   failed to load (it keeps its last valid one)
// (internal/bgp/native and frr metrics, internal/k8s/controllers metrics in MetalLB's source).

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The metrics of one pod's port, as read (file: the bundle file, for evidence). */
export interface PodMetrics {
  namespace: string;
  pod: string;
  port: string;
  samples: MetricSample[];
  file?: string;
  /** the text as served (live reads keep it for snapshot; bundles do not need it) */
  text?: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+\S+)?\s*$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(,|$)/y;

/**
 * The samples of a text exposition whose names start with `prefix` (MetalLB's own: `metallb_`);
 * comments, other metrics and lines that do not parse are skipped.
 */
export function parseMetrics(text: string, prefix = 'metallb_'): MetricSample[] {
  const out: MetricSample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || !line.startsWith(prefix)) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    const body = m[3] ?? '';
    LABEL.lastIndex = 0;
    let ok = true;
    while (LABEL.lastIndex < body.length) {
      const at = LABEL.lastIndex;
      const l = LABEL.exec(body);
      if (!l || LABEL.lastIndex === at) {
        ok = body.slice(at).trim() === '';
        break;
      }
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const value = m[4] === '+Inf' ? Infinity : m[4] === '-Inf' ? -Infinity : Number(m[4]);
    if (!ok || Number.isNaN(value)) continue;
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

export const BGP_SESSION_UP = 'metallb_bgp_session_up';
export const CONFIG_STALE = 'metallb_k8s_client_config_stale_bool';
