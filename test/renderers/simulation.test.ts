import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { renderSimulationText, type ServiceChange, type ServiceSide, type SimulationReport } from '../../src/renderers/simulation.js';
import { clusterReport, opts } from './fixtures.js';

// A Service announced by BGP from `count` nodes of one advertisement (the compact form of a large set).
const manyNodes = (count: number, ip = '10.0.0.1'): ServiceSide => ({
  ips: [ip],
  pool: 'wan',
  state: 'announced',
  announcers: [{ node: '*', protocol: 'bgp', peers: ['tor'], count, advertisements: ['wan'], except: [] }],
});

function report(services: ServiceChange[]): SimulationReport {
  return {
    ...clusterReport(),
    findings: [],
    summary: { critical: 0, error: 0, warning: 0, info: 0 },
    pools: [],
    services: [],
    nodes: [],
    whatIf: { changes: ['--fail-node n-7'], services },
    model: { memberlist: 'enabled', ignoreExcludeLB: false, notes: [] },
  };
}

const fewer = (i: number): ServiceChange => ({ service: `app/svc-${i}`, before: manyNodes(100, `10.0.0.${i}`), after: manyNodes(99, `10.0.0.${i}`) });
const whatChanges = (text: string) => text.slice(text.indexOf('WHAT CHANGES'), text.indexOf('\n\n', text.indexOf('WHAT CHANGES')));

describe('simulate text: what changes', () => {
  test('Services that only lose some of their many BGP nodes are one line; material changes stay listed', () => {
    const lost: ServiceChange = { service: 'app/gone', before: manyNodes(100), after: { ips: ['10.0.0.1'], pool: 'wan', state: 'not-announced', announcers: [] } };
    const moved: ServiceChange = {
      service: 'app/l2',
      before: { ips: ['192.168.1.5'], pool: 'lan', state: 'announced', announcers: [{ node: 'n-7', protocol: 'layer2' }] },
      after: { ips: ['192.168.1.5'], pool: 'lan', state: 'announced', announcers: [{ node: 'n-3', protocol: 'layer2' }] },
    };
    const thinned = Array.from({ length: 8 }, (_, i) => fewer(i + 1));
    const out = whatChanges(renderSimulationText(report([...thinned.slice(0, 4), lost, moved, ...thinned.slice(4)]), opts({ command: 'simulate' })));
    const lines = out.split('\n');
    // the material changes, one by one, in their order
    assert.ok(lines.includes('  ~ app/gone:') && lines.includes('  ~ app/l2:'), out);
    assert.ok(lines.includes('      announced by layer2: n-7  ->  layer2: n-3'), out);
    assert.ok(lines.includes('      state announced -> not-announced'), out);
    // the eight thinned ones: counted, five named, none listed on its own
    assert.equal(lines.filter((l) => /^ {2}~ app\/svc-/.test(l)).length, 0, out);
    assert.equal(
      lines.at(-1),
      '  ~ 8 Services stay announced by BGP, each from fewer nodes (the nodes that leave withdraw their routes): ' +
        'app/svc-1 (100 -> 99), app/svc-2 (100 -> 99), app/svc-3 (100 -> 99), app/svc-4 (100 -> 99), app/svc-5 (100 -> 99) and 3 more (--verbose lists each)',
    );
  });

  test('--verbose, or no more than five of them, lists each Service', () => {
    const eight = Array.from({ length: 8 }, (_, i) => fewer(i + 1));
    const verbose = whatChanges(renderSimulationText(report(eight), opts({ command: 'simulate', verbose: true })));
    assert.equal(verbose.split('\n').filter((l) => /^ {2}~ app\/svc-\d+:$/.test(l)).length, 8, verbose);
    assert.doesNotMatch(verbose, /stay announced by BGP/);
    const five = whatChanges(renderSimulationText(report(eight.slice(0, 5)), opts({ command: 'simulate' })));
    assert.equal(five.split('\n').filter((l) => /^ {2}~ app\/svc-\d+:$/.test(l)).length, 5, five);
    assert.match(five, / {6}BGP: 100 announcing node\(s\) {2}-> {2}99/);
    assert.doesNotMatch(five, /stay announced by BGP/);
  });

  test('a changed address, or a gained node, is not thinning', () => {
    const readdressed: ServiceChange = { service: 'app/moved', before: manyNodes(100, '10.0.0.1'), after: manyNodes(99, '10.0.0.2') };
    const grown: ServiceChange = { service: 'app/grown', before: manyNodes(99), after: manyNodes(100) };
    const out = whatChanges(renderSimulationText(report([...Array.from({ length: 6 }, (_, i) => fewer(i + 1)), readdressed, grown]), opts({ command: 'simulate' })));
    assert.ok(out.includes('  ~ app/moved:\n      address 10.0.0.1 -> 10.0.0.2'), out);
    assert.ok(out.includes('  ~ app/grown:\n'), out);
    assert.match(out, /~ 6 Services stay announced by BGP/);
  });
});
