// Kubernetes label selector semantics (k8s.io/apimachinery metav1.LabelSelectorAsSelector and
// labels.Requirement), plus MetalLB's duplicate-selector check (internal/config
// validateLabelSelectorDuplicate), re-implemented from their documented behaviour.

export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  key: string;
  operator: LabelSelectorOperator | string;
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export const SELECTOR_OPERATORS: readonly LabelSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ownEntries(v: unknown): [string, unknown][] {
  return isRecord(v) ? Object.entries(v) : [];
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

// ---------------------------------------------------------------------------------------------
// Name / value validation (k8s.io/apimachinery/pkg/util/validation)

const QNAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QNAME_RE = new RegExp(`^${QNAME_FMT}$`);
const QNAME_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT = `(${QNAME_FMT})?`;
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";

function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}
const maxLenError = (n: number) => `must be no more than ${n} characters`;

/** validation.IsDNS1123Subdomain: the error strings, empty when valid. */
export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLenError(253));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) errs.push(regexError(DNS1123_SUBDOMAIN_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errs;
}

/** validation.IsQualifiedName (label keys): the error strings, empty when valid. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else for (const m of isDNS1123Subdomain(prefix)) errs.push(`prefix part ${m}`);
  } else {
    return [
      `a qualified name ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLenError(63)}`);
  if (!QNAME_RE.test(name)) errs.push(`name part ${regexError(QNAME_MSG, QNAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

/** validation.IsValidLabelValue: the error strings, empty when valid. */
export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLenError(63));
  if (!LABEL_VALUE_RE.test(value)) errs.push(regexError(LABEL_VALUE_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// LabelSelectorAsSelector

/** Go's %#v of a []string, as field.Invalid prints the values of a requirement. */
function goSliceLiteral(vals: string[] | null): string {
  if (vals === null) return '[]string(nil)';
  return `[]string{${vals.map((v) => JSON.stringify(v)).join(', ')}}`;
}

/** Errors of labels.NewRequirement, joined like utilerrors.Aggregate. */
function requirementError(key: string, op: string, vals: string[] | null): string | undefined {
  const errs: string[] = [];
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length) errs.push(`key: Invalid value: ${JSON.stringify(key)}: ${keyErrs.join('; ')}`);
  const n = vals?.length ?? 0;
  if ((op === 'In' || op === 'NotIn') && n === 0) {
    errs.push(`values: Invalid value: ${goSliceLiteral(vals)}: for 'in', 'notin' operators, values set can't be empty`);
  }
  if (op === '=' && n !== 1) {
    errs.push(`values: Invalid value: ${goSliceLiteral(vals)}: exact-match compatibility requires one single value`);
  }
  if ((op === 'Exists' || op === 'DoesNotExist') && n !== 0) {
    errs.push(`values: Invalid value: ${goSliceLiteral(vals)}: values set must be empty for exists and does not exist`);
  }
  (vals ?? []).forEach((v, i) => {
    const ve = isValidLabelValue(v);
    if (ve.length) errs.push(`values[${i}][${key}]: Invalid value: ${JSON.stringify(v)}: ${ve.join('; ')}`);
  });
  if (errs.length === 0) return undefined;
  const uniq = [...new Set(errs)];
  return uniq.length === 1 ? uniq[0] : `[${uniq.join(', ')}]`;
}

/**
 * The error metav1.LabelSelectorAsSelector returns for this selector, or undefined when it is
 * valid. matchLabels are checked in key order (Go iterates the map randomly; we pick a stable order).
 * Never throws: a value that is not a selector at all yields an error text too.
 */
export function validateSelector(sel: unknown): string | undefined {
  if (sel === undefined || sel === null) return undefined;
  if (!isRecord(sel)) return `label selector must be an object`;
  const labels = ownEntries(sel.matchLabels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [k, v] of labels) {
    const e = requirementError(k, '=', [str(v)]);
    if (e) return e;
  }
  for (const expr of asArray(sel.matchExpressions)) {
    const e = isRecord(expr) ? expr : {};
    const op = str(e.operator);
    if (!(SELECTOR_OPERATORS as readonly string[]).includes(op)) {
      return `${JSON.stringify(op)} is not a valid label selector operator`;
    }
    const vals = Array.isArray(e.values) && e.values.length > 0 ? e.values.map(str) : null;
    const err = requirementError(str(e.key), op, vals);
    if (err) return err;
  }
  return undefined;
}

/**
 * Whether `labels` satisfy `sel`: every matchLabels pair AND every matchExpression.
 * An empty selector matches everything. MetalLB's selectors are value types, so an absent
 * selector is the same as `{}` (everything). An invalid selector matches nothing (MetalLB
 * refuses the whole configuration in that case; see validateSelector).
 */
export function matchesSelector(sel: LabelSelector | undefined | null, labels: Record<string, string> | undefined | null): boolean {
  return selectorMatcher(sel)(labels);
}

/** A selector as a test of label sets: what matchesSelector does, with the selector read once. */
export type LabelMatcher = (labels: Record<string, string> | undefined | null) => boolean;

const matchAll: LabelMatcher = () => true;
const matchNone: LabelMatcher = () => false;
// selectors are read-only input (or built once by the caller): one compiled form per object, so a
// selector tested against 5,000 Pods is validated (regular expressions per key) once, not 5,000 times
const matchers = new WeakMap<object, LabelMatcher>();

/** matchesSelector's test for one selector, validated and read once (and kept per selector object). */
export function selectorMatcher(sel: LabelSelector | undefined | null): LabelMatcher {
  if (sel === undefined || sel === null) return matchAll;
  const cacheable = typeof sel === 'object';
  let m = cacheable ? matchers.get(sel) : undefined;
  if (m) return m;
  m = compileSelector(sel);
  if (cacheable) matchers.set(sel, m);
  return m;
}

function compileSelector(sel: LabelSelector): LabelMatcher {
  if (validateSelector(sel) !== undefined) return matchNone;
  const want = ownEntries(sel.matchLabels).map(([k, v]) => [k, str(v)] as const);
  const exprs = asArray(sel.matchExpressions).map((raw) => {
    const e = raw as Record<string, unknown>;
    return { key: str(e.key), operator: e.operator, values: asArray(e.values).map(str) };
  });
  if (want.length === 0 && exprs.length === 0) return matchAll;
  return (labels) => {
    // only own string-valued labels count
    const own = isRecord(labels) ? labels : undefined;
    const get = (k: string): string | undefined => {
      if (!own || !Object.prototype.hasOwnProperty.call(own, k)) return undefined;
      const v = own[k];
      return typeof v === 'string' ? v : undefined;
    };
    for (const [k, v] of want) if (get(k) !== v) return false;
    for (const e of exprs) {
      const have = get(e.key);
      const present = have !== undefined;
      switch (e.operator) {
        case 'In':
          if (!present || !e.values.includes(have)) return false;
          break;
        case 'NotIn':
          if (present && e.values.includes(have)) return false;
          break;
        case 'Exists':
          if (!present) return false;
          break;
        case 'DoesNotExist':
          if (present) return false;
          break;
        default:
          return false;
      }
    }
    return true;
  };
}

/** True when any of `selectors` matches; an empty list matches everything (MetalLB's nodeSelectors). */
export function matchesAnySelector(selectors: readonly LabelSelector[] | undefined | null, labels: Record<string, string> | undefined | null): boolean {
  if (!selectors || selectors.length === 0) return true;
  return selectors.some((s) => matchesSelector(s, labels));
}

// ---------------------------------------------------------------------------------------------
// Canonical form and MetalLB's duplicate check

function goPlain(v: string[]): string {
  return `[${v.join(' ')}]`;
}

function requirementString(e: unknown, sortValues: boolean): string {
  const r = isRecord(e) ? e : {};
  const vals = asArray(r.values).map(str);
  if (sortValues) vals.sort(compareGo);
  return `LabelSelectorRequirement{Key:${str(r.key)},Operator:${str(r.operator)},Values:${goPlain(vals)},}`;
}

function compareGo(a: string, b: string): number {
  // Go compares strings bytewise; for the UTF-16 code units of BMP text this agrees.
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The string MetalLB compares to find duplicate selectors: metav1.LabelSelector.String()
 * after sorting each expression's values. matchLabels are order-independent (sorted keys),
 * matchExpressions are order-dependent, values are order-independent.
 */
export function selectorCanonicalString(sel: unknown): string {
  const s = isRecord(sel) ? sel : {};
  const labels = ownEntries(s.matchLabels).sort(([a], [b]) => compareGo(a, b));
  const ml = labels.map(([k, v]) => `${k}: ${str(v)},`).join('');
  const me = asArray(s.matchExpressions)
    .map((e) => `${requirementString(e, true)},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${ml}},MatchExpressions:[]LabelSelectorRequirement{${me}},}`;
}

export function selectorsEqual(a: unknown, b: unknown): boolean {
  return selectorCanonicalString(a) === selectorCanonicalString(b);
}

/** Go's %q of a LabelSelector value, as MetalLB prints it in "duplicate definition" errors. */
export function goQuotedSelector(sel: unknown): string {
  const s = isRecord(sel) ? sel : {};
  const labels = ownEntries(s.matchLabels).sort(([a], [b]) => compareGo(a, b));
  const ml = `map[${labels.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(str(v))}`).join(' ')}]`;
  const me = `[${asArray(s.matchExpressions).map(goQuotedRequirement).join(' ')}]`;
  return `{${ml} ${me}}`;
}

function goQuotedRequirement(e: unknown): string {
  const r = isRecord(e) ? e : {};
  const vals = asArray(r.values).map((v) => JSON.stringify(str(v)));
  return `{${JSON.stringify(str(r.key))} ${JSON.stringify(str(r.operator))} [${vals.join(' ')}]}`;
}

export interface SelectorDuplicate {
  /** index of the selector holding the problem (the first of a duplicate pair) */
  index: number;
  /** for a duplicate pair, the index of the second selector */
  duplicateOf?: number;
  /** for a problem inside one selector, the expression index (and value index) */
  expression?: number;
  value?: number;
  message: string;
}

/**
 * MetalLB's validateLabelSelectorDuplicate: duplicate values inside one matchExpression,
 * duplicate matchExpressions inside one selector, or two selectors with the same canonical
 * string. `what` is the field name MetalLB prints (e.g. "nodeSelectors"). First problem only.
 */
export function findDuplicateSelector(selectors: readonly unknown[], what: string): SelectorDuplicate | undefined {
  for (let i = 0; i < selectors.length; i++) {
    const exprs = asArray(isRecord(selectors[i]) ? (selectors[i] as Record<string, unknown>).matchExpressions : undefined);
    for (let a = 0; a < exprs.length; a++) {
      const vals = asArray(isRecord(exprs[a]) ? (exprs[a] as Record<string, unknown>).values : undefined).map(str);
      // MetalLB sorts the values in place before this check, so it reports the sorted duplicate.
      const sorted = [...vals].sort(compareGo);
      for (let x = 0; x < sorted.length; x++) {
        for (let y = x + 1; y < sorted.length; y++) {
          if (sorted[x] === sorted[y]) {
            return {
              index: i,
              expression: a,
              value: vals.lastIndexOf(sorted[x]!),
              message: `duplicate definition of match expression value in label selector ${JSON.stringify(sorted[x])}`,
            };
          }
        }
      }
      for (let b = a + 1; b < exprs.length; b++) {
        if (requirementString(exprs[a], true) === requirementString(exprs[b], true)) {
          return {
            index: i,
            expression: b,
            message: `duplicate definition of match expressions ${goQuotedRequirement(sortedReq(exprs[a]))}`,
          };
        }
      }
    }
    for (let j = i + 1; j < selectors.length; j++) {
      if (selectorsEqual(selectors[i], selectors[j])) {
        return { index: i, duplicateOf: j, message: `duplicate definition of ${what} ${goQuotedSelector(sortedSel(selectors[i]))}` };
      }
    }
  }
  return undefined;
}

function sortedReq(e: unknown): unknown {
  const r = isRecord(e) ? e : {};
  return { ...r, values: asArray(r.values).map(str).sort(compareGo) };
}
function sortedSel(s: unknown): unknown {
  const r = isRecord(s) ? s : {};
  return { ...r, matchExpressions: asArray(r.matchExpressions).map(sortedReq) };
}
