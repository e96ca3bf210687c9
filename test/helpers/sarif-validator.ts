// The real SARIF validator (Microsoft's SARIF Multitool) with its SARIF and GitHub ingestion rule
// sets. SARIF_MULTITOOL points elsewhere (another platform's binary, or a missing one to see the skip).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const MULTITOOL =
  process.env.SARIF_MULTITOOL ?? fileURLToPath(new URL('../../node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool', import.meta.url));

export interface ValidationResult {
  /** the file name given in `logs` */
  file: string;
  level: 'error' | 'warning' | 'note' | 'none';
  ruleId: string;
  text: string;
}

export type Validation = { ok: true; results: ValidationResult[] } | { ok: false; why: string };

function prepare(): string | undefined {
  if (process.platform !== 'linux' && !process.env.SARIF_MULTITOOL) return `the validator binary in node_modules is for linux, this is ${process.platform}`;
  if (!fs.existsSync(MULTITOOL)) return `${MULTITOOL} is missing`;
  try {
    // npm here does not run install scripts, so the binary may not be executable yet
    const mode = fs.statSync(MULTITOOL).mode;
    if ((mode & 0o100) === 0) fs.chmodSync(MULTITOOL, mode | 0o100);
  } catch (e) {
    return `cannot make ${MULTITOOL} executable: ${(e as Error).message}`;
  }
  return undefined;
}

/** Validates SARIF logs (file name -> content); every result names the file it is about. */
export function validateSarif(logs: Record<string, string>): Validation {
  const unavailable = prepare();
  if (unavailable) return { ok: false, why: unavailable };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metallb-doctor-sarif-'));
  try {
    const files = Object.entries(logs).map(([name, content]) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    });
    const out = path.join(dir, 'validation.out.sarif');
    const run = spawnSync(
      MULTITOOL,
      ['validate', ...files, '--output', out, '--log', 'ForceOverwrite', '--level', 'Error;Warning;Note', '--rule-kind', 'Sarif;Gh', '--quiet'],
      { env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1' }, encoding: 'utf8', timeout: 60_000 },
    );
    if (run.error || !fs.existsSync(out)) {
      return { ok: false, why: `Sarif.Multitool did not run (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr || run.stdout}`.trim() };
    }
    type Json = { level?: string; ruleId: string; message: { text?: string; id?: string; arguments?: unknown }; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] };
    const log = JSON.parse(fs.readFileSync(out, 'utf8').replace(/^\uFEFF/, '')) as { runs: { results?: Json[] }[] };
    return {
      ok: true,
      results: (log.runs[0]?.results ?? []).map((r) => ({
        file: path.basename(fileURLToPath(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? 'file:///none')),
        // a result without a level is a warning (SARIF 3.27.10)
        level: (r.level ?? 'warning') as ValidationResult['level'],
        ruleId: r.ruleId,
        text: r.message.text ?? `${r.message.id} ${JSON.stringify(r.message.arguments)}`,
      })),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Skips with a printed reason on a laptop; fails when CI is set. */
export function validatorUnavailable(t: { skip(msg: string): void }, why: string): void {
  if (process.env.CI) throw new Error(`SARIF validator cannot run (CI is set, so this fails): ${why}`);
  console.log(`SARIF validation skipped: ${why}`);
  t.skip(why);
}
