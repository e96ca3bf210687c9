// `-o junit`: JUnit XML for CI test reports. One testsuite per file (findings without a file
// share one suite named after the report's source), one failing testcase per finding.
import type { Finding, Report } from '../report/types.js';
import { filePosition, locationLabel, objectRef, sortFindings } from './common.js';
import type { RenderOptions } from './options.js';

// XML 1.0 cannot carry most control characters even escaped; drop them rather than emit a file
// CI tools refuse to parse.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Attribute values additionally keep their newlines and tabs (a parser would fold them to spaces). */
function attr(text: string): string {
  return escapeXml(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

function sourceSuiteName(report: Report): string {
  const s = report.source;
  return s.context ? `${s.kind} ${s.context}` : s.path ? `${s.kind} ${s.path}` : s.kind;
}

function testcase(f: Finding, classname: string): string {
  const where = locationLabel(f);
  const body = [
    `${where} ${f.severity} ${f.message} ${f.rule}`,
    ...f.objects.map((o) => `object: ${objectRef(o)}`),
    ...f.evidence,
    ...(f.fix ? [`fix: ${f.fix}`] : []),
    ...(f.docs ? [`docs: ${f.docs}`] : []),
  ].join('\n');
  return [
    `    <testcase classname="${attr(classname)}" name="${attr(`${f.rule} ${where}`)}" time="0">`,
    `      <failure type="${f.severity}" message="${attr(f.message)}">${escapeXml(body)}</failure>`,
    '    </testcase>',
  ].join('\n');
}

export function renderJunit(report: Report, _opts?: RenderOptions): string {
  const suites = new Map<string, Finding[]>();
  const fileless = sourceSuiteName(report);
  for (const f of sortFindings(report.findings)) {
    const key = filePosition(f)?.file ?? fileless;
    let list = suites.get(key);
    if (!list) suites.set(key, (list = []));
    list.push(f);
  }

  const blocks: string[] = [];
  let tests = 0;
  let failures = 0;
  for (const [name, list] of suites) {
    tests += list.length;
    failures += list.length;
    blocks.push(
      `  <testsuite name="${attr(name)}" tests="${list.length}" failures="${list.length}" errors="0" skipped="0" time="0">`,
      ...list.map((f) => testcase(f, name)),
      '  </testsuite>',
    );
  }
  if (suites.size === 0) {
    // CI tools show "0 tests" as nothing having run; one passing case says the check ran clean.
    tests += 1;
    blocks.push(
      `  <testsuite name="${attr(fileless)}" tests="1" failures="0" errors="0" skipped="0" time="0">`,
      `    <testcase classname="${attr(fileless)}" name="metallb-doctor" time="0"/>`,
      '  </testsuite>',
    );
  }
  if (report.gaps.length > 0) {
    // What could not be read was not checked: skipped, not passed.
    tests += report.gaps.length;
    blocks.push(
      `  <testsuite name="could not see" tests="${report.gaps.length}" failures="0" errors="0" skipped="${report.gaps.length}" time="0">`,
      ...report.gaps.map((g) =>
        [
          `    <testcase classname="could not see" name="${attr(g.what)}" time="0">`,
          `      <skipped message="${attr(g.why)}"/>`,
          '    </testcase>',
        ].join('\n'),
      ),
      '  </testsuite>',
    );
  }
  const skipped = report.gaps.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="metallb-doctor" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`,
    ...blocks,
    '</testsuites>',
    '',
  ].join('\n');
}
