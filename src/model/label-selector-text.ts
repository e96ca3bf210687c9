// Label selectors in their text form, as Kubernetes parses them (labels.Parse: the API server's
// `labelSelector=`, kubectl's -l, MetalLB's METALLB_ML_LABELS).

/** A selector the server cannot parse or does not support: 400 BadRequest with this message. */
export class SelectorError extends Error {
  override name = 'SelectorError';
}

export type LabelOp = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';
export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

type Token = { t: 'id'; v: string } | { t: 'op'; v: string };

const SPECIAL = new Set([',', '(', ')', '=', '!', '<', '>', ' ', '\t', '\n', '\r']);

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '!' && s[i + 1] === '=') {
      out.push({ t: 'op', v: '!=' });
      i += 2;
    } else if (c === '=' && s[i + 1] === '=') {
      out.push({ t: 'op', v: '==' });
      i += 2;
    } else if (SPECIAL.has(c)) {
      out.push({ t: 'op', v: c });
      i++;
    } else {
      let j = i;
      while (j < s.length && !SPECIAL.has(s[j]!)) j++;
      out.push({ t: 'id', v: s.slice(i, j) });
      i = j;
    }
  }
  return out;
}

/** Parses a label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, `a>1`, `a<1`, comma-joined. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  const tokens = tokenize(selector);
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw new SelectorError(`unable to parse requirement: ${why}`);
  };
  const id = (what: string): string => {
    const t = tokens[i];
    if (t?.t !== 'id') return fail(`found '${t?.v ?? ''}', expected: ${what}`);
    i++;
    return t.v;
  };
  while (i < tokens.length) {
    if (tokens[i]?.v === '!') {
      i++;
      reqs.push({ key: id('identifier after \'!\''), op: '!', values: [] });
    } else {
      const key = id('identifier');
      const t = tokens[i];
      if (t === undefined || (t.t === 'op' && t.v === ',')) {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (t.t === 'op' && (t.v === '=' || t.v === '==' || t.v === '!=')) {
        i++;
        const next = tokens[i];
        const value = next?.t === 'id' ? (i++, next.v) : ''; // `a=` selects the empty value
        reqs.push({ key, op: t.v === '!=' ? '!=' : '=', values: [value] });
      } else if (t.t === 'op' && (t.v === '>' || t.v === '<')) {
        i++;
        const v = id('integer value');
        if (!/^-?\d+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op: t.v === '>' ? 'gt' : 'lt', values: [v] });
      } else if (t.t === 'id' && (t.v === 'in' || t.v === 'notin')) {
        i++;
        if (tokens[i]?.v !== '(') fail(`found '${tokens[i]?.v ?? ''}', expected: '('`);
        i++;
        const values: string[] = [];
        while (tokens[i]?.v !== ')') {
          if (i >= tokens.length) fail(`found '', expected: ')'`);
          const v = tokens[i]!;
          if (v.t === 'id') values.push(v.v);
          else if (v.v !== ',') fail(`found '${v.v}', expected: ',', ')' or identifier`);
          i++;
        }
        i++;
        if (values.length === 0) fail(`for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ key, op: t.v, values });
      } else {
        fail(`found '${t.v}', expected: '=', '!=', '==', 'in', notin'`);
      }
    }
    const sep = tokens[i];
    if (sep === undefined) break;
    if (sep.v !== ',') fail(`found '${sep.v}', expected: ',' or 'end of string'`);
    i++;
    if (i >= tokens.length) fail(`found '', expected: identifier`);
  }
  return reqs;
}

export function matchesLabels(reqs: readonly LabelRequirement[], labels: Record<string, unknown> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? String(l[r.key]) : undefined;
    switch (r.op) {
      case '=':
        return v === r.values[0];
      case '!=':
        return v !== r.values[0];
      case 'in':
        return v !== undefined && r.values.includes(v);
      case 'notin':
        return v === undefined || !r.values.includes(v);
      case 'exists':
        return has;
      case '!':
        return !has;
      case 'gt':
      case 'lt': {
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        return r.op === 'gt' ? Number(v) > Number(r.values[0]) : Number(v) < Number(r.values[0]);
      }
    }
  });
}
