// What every renderer is told besides the Report, and the one colour helper they share.
import type { RuleMeta } from '../rules/types.js';
import type { Severity } from '../report/types.js';

export interface RenderOptions {
  /** ANSI colour; the CLI turns it off for --no-color, NO_COLOR, or a stdout that is not a terminal */
  color: boolean;
  /** the rule catalog (with each rule's docs page), for SARIF's rules array and help URIs */
  rules: Map<string, RuleMeta & { docs: string }>;
  /** the directory SARIF URIs are made relative to (default process.cwd()) */
  cwd?: string;
  /** the command that produced the report, e.g. 'lint' */
  command?: string;
  /** findings only, no summary */
  quiet?: boolean;
  /** evidence, fix and docs under each finding */
  verbose?: boolean;
}

export type Style = 'bold' | 'dim' | 'underline' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

// SGR open/close pairs; each style closes only itself so styles can nest.
const SGR: Record<Style, [number, number]> = {
  bold: [1, 22],
  dim: [2, 22],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

export type Paint = (text: string, ...styles: Style[]) => string;

/** A painter that wraps text in ANSI codes only when `color` is on; otherwise it returns text unchanged. */
export function painter(color: boolean): Paint {
  if (!color) return (text) => text;
  return (text, ...styles) => {
    if (text === '') return text;
    let out = text;
    for (const s of styles) out = `\u001b[${SGR[s][0]}m${out}\u001b[${SGR[s][1]}m`;
    return out;
  };
}

export const SEVERITY_STYLE: Record<Severity, Style[]> = {
  critical: ['magenta', 'bold'],
  error: ['red'],
  warning: ['yellow'],
  info: ['blue'],
};

/** Removes ANSI escape sequences (to measure widths, and for tests). */
export function stripAnsi(text: string): string {
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}
