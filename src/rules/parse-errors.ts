// Rules built on MetalLB's configuration parse all report the same way: each error of their codes,
// in MetalLB's words, with where MetalLB rejects it.
import { configErrors, rejectionText, type ConfigError, type ConfigErrorCode } from '../model/config/index.js';
import type { FindingInput, RuleContext } from './types.js';

export interface ParseErrorShape extends Partial<Omit<FindingInput, 'message' | 'subjects'>> {
  /** said after MetalLB's text and where it is rejected */
  suffix?: string;
}

export function reportParseErrors(
  ctx: RuleContext,
  codes: readonly ConfigErrorCode[],
  shape: (e: ConfigError) => ParseErrorShape = () => ({}),
): void {
  const wanted = new Set(codes);
  for (const e of configErrors(ctx.state, ctx.options.bgpBackend)) {
    if (!wanted.has(e.code)) continue;
    const { suffix = '', ...rest } = shape(e);
    ctx.report({ message: `${e.message}: ${rejectionText(e.rejectedBy)}${suffix}`, subjects: e.subjects, ...rest });
  }
}
