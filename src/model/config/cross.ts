// Cross-object checks after a good parse (validateConfig in internal/config/validation.go) and the
// speaker protocol handler's rejections of a parsed configuration (SyncExtraInfo).
import type { FieldPath, KubeObject } from '../../sources/types.js';
import { selectedPeers, selectedPools } from '../advertisements.js';
import { parsePool } from '../pools.js';
import type { ConfigError, ConfigInput, ParseContext } from './types.js';

const rec = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});

function hasIPv6(pool: KubeObject): boolean {
  // ipfamily.ForCIDR on the parsed CIDRs: an IPv4-mapped network counts as IPv4
  return parsePool(pool).valid.some((e) => e.cidrs.some((c) => c.family === 6));
}

/**
 * BFD echo mode cannot run over IPv6: a pool with an IPv6 CIDR, advertised by a BGPAdvertisement
 * to a peer (named, or all peers when `peers` is empty) whose BFD profile enables echoMode.
 */
function bfdEchoIPv6(input: ConfigInput): ConfigError[] {
  const out: ConfigError[] = [];
  const echo = new Map<string, KubeObject>();
  // later profiles of the same name win the map, as in bfdProfilesFor
  for (const b of input.bfdProfiles) echo.set(b.metadata?.name ?? '', b);
  const echoProfile = (peer: KubeObject): KubeObject | undefined => {
    const name = rec(peer.spec).bfdProfile;
    if (typeof name !== 'string' || name === '') return undefined;
    const b = echo.get(name);
    return b && rec(b.spec).echoMode === true ? b : undefined;
  };
  const v6Pools = input.pools.filter(hasIPv6);
  if (v6Pools.length === 0) return out;
  for (const ad of input.bgpAdvertisements) {
    const pools = selectedPools(ad, v6Pools);
    if (pools.length === 0) continue;
    const named = Array.isArray(rec(ad.spec).peers) ? (rec(ad.spec).peers as unknown[]) : [];
    for (const peer of selectedPeers(ad, input.peers)) {
      const profile = echoProfile(peer);
      if (!profile) continue;
      const at = named.indexOf(peer.metadata?.name);
      const adPath: FieldPath = at >= 0 ? ['spec', 'peers', at] : ['spec'];
      for (const pool of pools) {
        out.push({
          code: 'bfd-echo-ipv6',
          message: `pool ${pool.metadata?.name ?? ''} has bgpadvertisement ${ad.metadata?.name ?? ''} which references peer ${peer.metadata?.name ?? ''} which has bfd echo enabled, which is not possible`,
          subjects: [
            { obj: ad, path: adPath },
            { obj: peer, path: ['spec', 'bfdProfile'] },
            { obj: profile, path: ['spec', 'echoMode'] },
            { obj: pool, path: ['spec', 'addresses'] },
          ],
          // no webhook sees pools, advertisements, peers and BFD profiles together (and the
          // BGPPeer webhook blanks bfdProfile)
          rejectedBy: 'runtime',
        });
      }
    }
  }
  return out;
}

/** SyncExtraInfo: native and FRR-K8s refuse a non-empty `extras` key of the bgpextras ConfigMap. */
function bgpExtras(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  if (!input.bgpExtras || ctx.backend === 'frr') return [];
  const extras = rec(input.bgpExtras.data).extras;
  if (typeof extras !== 'string' || extras === '') return [];
  return [
    {
      code: 'bgpextras-unsupported',
      message: ctx.backend === 'native' ? 'bgp extra info not supported in native mode' : 'extra info not supported in frr-k8s mode',
      subjects: [{ obj: input.bgpExtras, path: ['data', 'extras'] }],
      rejectedBy: 'runtime',
    },
  ];
}

export function crossObjectChecks(input: ConfigInput, ctx: ParseContext): ConfigError[] {
  return [...bfdEchoIPv6(input), ...bgpExtras(input, ctx)];
}
