import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMetrics } from '../../src/model/metrics.js';

describe('Prometheus text exposition', () => {
  test("MetalLB's samples with their labels; comments, other metrics and broken lines skipped", () => {
    const text = [
      '# HELP metallb_bgp_session_up BGP session state (1 is up, 0 is down)',
      '# TYPE metallb_bgp_session_up gauge',
      'metallb_bgp_session_up{peer="192.168.1.1:179"} 1',
      'metallb_bgp_session_up{peer="[2001:db8::1]:179",vrf=""} 0',
      'metallb_bgp_announced_prefixes_total{peer="192.168.1.1:179"} 3 1700000000000',
      'metallb_k8s_client_config_stale_bool 0',
      'go_goroutines 42',
      'metallb_broken{peer="x"',
      'metallb_weird{a="1",b="quote \\" and \\\\ backslash"} +Inf',
      'metallb_nan 1e3',
      '',
    ].join('\n');
    const s = parseMetrics(text);
    assert.deepEqual(
      s.map((x) => [x.name, x.labels, x.value]),
      [
        ['metallb_bgp_session_up', { peer: '192.168.1.1:179' }, 1],
        ['metallb_bgp_session_up', { peer: '[2001:db8::1]:179', vrf: '' }, 0],
        ['metallb_bgp_announced_prefixes_total', { peer: '192.168.1.1:179' }, 3],
        ['metallb_k8s_client_config_stale_bool', {}, 0],
        ['metallb_weird', { a: '1', b: 'quote " and \\ backslash' }, Infinity],
        ['metallb_nan', {}, 1000],
      ],
    );
  });
  test('another prefix, and nothing from an empty text', () => {
    assert.deepEqual(parseMetrics('go_goroutines 42\n', 'go_').map((x) => x.value), [42]);
    assert.deepEqual(parseMetrics(''), []);
  });
});
