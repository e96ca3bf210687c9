import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  matchesSelector,
  matchesAnySelector,
  validateSelector,
  selectorCanonicalString,
  selectorsEqual,
  findDuplicateSelector,
  isQualifiedName,
  isValidLabelValue,
  type LabelSelector,
} from '../../src/model/selectors.js';

const labels = { app: 'web', tier: 'front', 'kubernetes.io/hostname': 'node-1' };

describe('matchesSelector', () => {
  const table: [string, LabelSelector, boolean][] = [
    ['empty selector matches everything', {}, true],
    ['matchLabels equal', { matchLabels: { app: 'web' } }, true],
    ['matchLabels differ', { matchLabels: { app: 'db' } }, false],
    ['matchLabels missing key', { matchLabels: { zone: 'a' } }, false],
    ['matchLabels AND', { matchLabels: { app: 'web', tier: 'back' } }, false],
    ['In hit', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] }, true],
    ['In miss', { matchExpressions: [{ key: 'app', operator: 'In', values: ['db'] }] }, false],
    ['In absent key', { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }, false],
    ['NotIn hit', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    ['NotIn absent key matches', { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, true],
    ['Exists', { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'Exists' }] }, true],
    ['Exists absent', { matchExpressions: [{ key: 'zone', operator: 'Exists' }] }, false],
    ['DoesNotExist absent', { matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }, true],
    ['DoesNotExist present', { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, false],
    ['labels AND expressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['back'] }] }, false],
    ['invalid operator matches nothing', { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['web'] }] }, false],
    ['In without values is invalid', { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }, false],
  ];
  for (const [name, sel, want] of table) {
    test(name, () => assert.equal(matchesSelector(sel, labels), want));
  }
  test('absent selector (MetalLB value type) matches everything', () => {
    assert.equal(matchesSelector(undefined, labels), true);
  });
  test('no labels: only selectors without positive requirements match', () => {
    assert.equal(matchesSelector({ matchLabels: { a: 'b' } }, undefined), false);
    assert.equal(matchesSelector({ matchExpressions: [{ key: 'a', operator: 'DoesNotExist' }] }, undefined), true);
  });
  test('matchesAnySelector: empty list is everything, else OR', () => {
    assert.equal(matchesAnySelector([], labels), true);
    assert.equal(matchesAnySelector([{ matchLabels: { app: 'db' } }, { matchLabels: { tier: 'front' } }], labels), true);
    assert.equal(matchesAnySelector([{ matchLabels: { app: 'db' } }], labels), false);
  });
  test('matchLabels {k: v} is equivalent to In [v] (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y'), fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.constantFrom('x', 'y', 'z')), (k, v, l) => {
        assert.equal(matchesSelector({ matchLabels: { [k]: v } }, l), matchesSelector({ matchExpressions: [{ key: k, operator: 'In', values: [v] }] }, l));
        // NotIn is the negation of In
        assert.equal(
          matchesSelector({ matchExpressions: [{ key: k, operator: 'NotIn', values: [v] }] }, l),
          !matchesSelector({ matchExpressions: [{ key: k, operator: 'In', values: [v] }] }, l),
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('validateSelector (LabelSelectorAsSelector errors)', () => {
  test('valid selectors', () => {
    assert.equal(validateSelector({}), undefined);
    assert.equal(validateSelector({ matchLabels: { 'example.com/role': 'a_b.c-1' } }), undefined);
    assert.equal(validateSelector({ matchExpressions: [{ key: 'k', operator: 'Exists' }] }), undefined);
    assert.equal(validateSelector({ matchLabels: { k: '' } }), undefined);
  });
  test('bad operator', () => {
    assert.equal(validateSelector({ matchExpressions: [{ key: 'k', operator: 'in', values: ['a'] }] }), '"in" is not a valid label selector operator');
  });
  test('In/NotIn need values', () => {
    assert.equal(
      validateSelector({ matchExpressions: [{ key: 'k', operator: 'NotIn' }] }),
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
    );
  });
  test('Exists/DoesNotExist must have no values', () => {
    assert.equal(
      validateSelector({ matchExpressions: [{ key: 'k', operator: 'DoesNotExist', values: ['a'] }] }),
      'values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist',
    );
  });
  test('invalid key', () => {
    const e = validateSelector({ matchExpressions: [{ key: 'bad key', operator: 'Exists' }] });
    assert.match(e ?? '', /^key: Invalid value: "bad key": name part must consist of alphanumeric characters/);
    assert.match(e ?? '', /\(e\.g\. 'MyName',  or 'my\.name',  or '123-abc', regex used/);
  });
  test('invalid value in matchLabels', () => {
    assert.match(validateSelector({ matchLabels: { app: 'bad value!' } }) ?? '', /^values\[0\]\[app\]: Invalid value: "bad value!": a valid label must be an empty string/);
  });
  test('several errors in one requirement are aggregated in brackets', () => {
    const e = validateSelector({ matchExpressions: [{ key: '-k', operator: 'In' }] }) ?? '';
    assert.ok(e.startsWith('[key: Invalid value: "-k"'), e);
    assert.ok(e.includes(", values: Invalid value: []string(nil)"), e);
  });
  test('qualified names', () => {
    assert.deepEqual(isQualifiedName('example.com/name'), []);
    assert.deepEqual(isQualifiedName('Name_1.x'), []);
    assert.equal(isQualifiedName('/name')[0], 'prefix part must be non-empty');
    assert.match(isQualifiedName('Example.com/name')[0] ?? '', /^prefix part a lowercase RFC 1123 subdomain/);
    assert.match(isQualifiedName('a/b/c')[0] ?? '', /^a qualified name must consist/);
    assert.equal(isQualifiedName('x'.repeat(64))[0], 'name part must be no more than 63 characters');
    assert.equal(isValidLabelValue('x'.repeat(64))[0], 'must be no more than 63 characters');
  });
  test('never throws on garbage', () => {
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const r = validateSelector(v);
        assert.ok(r === undefined || typeof r === 'string');
        assert.equal(typeof matchesSelector(v as LabelSelector, v as Record<string, string>), 'boolean');
        assert.equal(typeof selectorCanonicalString(v), 'string');
      }),
      { numRuns: 300 },
    );
  });
});

describe('canonical string and MetalLB duplicate detection', () => {
  test('matchLabels order and values order do not matter, expression order does', () => {
    assert.ok(selectorsEqual({ matchLabels: { a: '1', b: '2' } }, { matchLabels: { b: '2', a: '1' } }));
    assert.ok(
      selectorsEqual(
        { matchExpressions: [{ key: 'k', operator: 'In', values: ['b', 'a'] }] },
        { matchExpressions: [{ key: 'k', operator: 'In', values: ['a', 'b'] }] },
      ),
    );
    const e1 = { key: 'a', operator: 'Exists' };
    const e2 = { key: 'b', operator: 'Exists' };
    assert.ok(!selectorsEqual({ matchExpressions: [e1, e2] }, { matchExpressions: [e2, e1] }));
    assert.ok(!selectorsEqual({ matchLabels: { a: '1' } }, { matchExpressions: [{ key: 'a', operator: 'In', values: ['1'] }] }));
    assert.ok(selectorsEqual({}, { matchLabels: {}, matchExpressions: [] }));
  });
  test('the Go String() form', () => {
    assert.equal(
      selectorCanonicalString({ matchLabels: { b: '2', a: '1' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['y', 'x'] }] }),
      '&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:k,Operator:In,Values:[x y],},},}',
    );
  });
  test('duplicate selectors', () => {
    const d = findDuplicateSelector([{ matchLabels: { a: '1' } }, { matchLabels: { b: '1' } }, { matchLabels: { a: '1' } }], 'nodeSelectors');
    assert.equal(d?.index, 0);
    assert.equal(d?.duplicateOf, 2);
    assert.equal(d?.message, 'duplicate definition of nodeSelectors {map["a":"1"] []}');
    assert.equal(findDuplicateSelector([{ matchLabels: { a: '1' } }, { matchLabels: { a: '2' } }], 'nodeSelectors'), undefined);
  });
  test('duplicate value inside an expression, duplicate expressions', () => {
    const v = findDuplicateSelector([{ matchExpressions: [{ key: 'k', operator: 'In', values: ['b', 'a', 'b'] }] }], 'serviceSelectors');
    assert.equal(v?.message, 'duplicate definition of match expression value in label selector "b"');
    assert.equal(v?.expression, 0);
    const e = findDuplicateSelector(
      [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['b', 'a'] }, { key: 'k', operator: 'In', values: ['a', 'b'] }] }],
      'serviceSelectors',
    );
    assert.equal(e?.message, 'duplicate definition of match expressions {"k" "In" ["a" "b"]}');
    assert.equal(e?.expression, 1);
  });
});
