// Helpers the formatters share; where a finding points and the order of findings are the report's.
export { compareFindings, filePosition, headObject, locationLabel, objectRef, positionOf, sortFindings, type FilePosition } from '../report/order.js';

/** Text that must stay on one line (a message with a newline would break `file:line:col` grepping). */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ');
}

export function plural(n: number, one: string, many: string = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
