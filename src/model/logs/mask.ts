// BGP passwords in log lines: the tool never shows nor stores one (DEVELOPERS.md).
import { MASK } from '../mask.js';

/** A JSON string value of a password key, plain or escaped inside another string: `"Password":"x"`, `\"password\":\"x\"`. */
const JSON_PASSWORD = /("(?:[A-Za-z]*[Pp]assword)"\s*:\s*")((?:[^"\\]|\\.)*)(")/g;
const ESCAPED_JSON_PASSWORD = /(\\"(?:[A-Za-z]*[Pp]assword)\\"\s*:\s*\\")((?:[^"\\]|\\[^"])*)(\\")/g;
/** Go's %+v of a struct: `Password:secret ` */
const GO_PASSWORD = /(\b[A-Za-z]*Password:)([^\s,})\]]+)/g;
/** FRR configuration inside a log line, where newlines are `\n`: `neighbor X password Y` */
const FRR_LOG_PASSWORD = /(\bneighbor\s+\S+\s+password\s+)((?:[^\s\\"]|\\[^n])+)/gi;

/**
 * Masks BGP passwords in a log line: MetalLB's FRR mode logs the whole rendered configuration on a
 * failed reload (`"config":{... "Password":"..."}`), and FRR configuration text can carry
 * `neighbor X password Y`. Lines without "assword" are returned as they are (the cheap common case).
 */
export function maskLogText(text: string): string {
  if (!text.includes('assword')) return text;
  return text
    .replace(JSON_PASSWORD, (_, a: string, _v: string, c: string) => `${a}${MASK}${c}`)
    .replace(ESCAPED_JSON_PASSWORD, (_, a: string, _v: string, c: string) => `${a}${MASK}${c}`)
    .replace(GO_PASSWORD, (_, a: string) => `${a}${MASK}`)
    .replace(FRR_LOG_PASSWORD, (_, a: string) => `${a}${MASK}`);
}
