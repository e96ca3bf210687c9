// One entry point for the CLI: a format name to its renderer.
import type { Report } from '../report/types.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import type { RenderOptions } from './options.js';
import { renderSarif } from './sarif.js';
import { renderText } from './text.js';
import { renderYaml } from './yaml.js';

export type Format = 'text' | 'json' | 'yaml' | 'sarif' | 'junit';
export const FORMATS: readonly Format[] = ['text', 'json', 'yaml', 'sarif', 'junit'];

const RENDERERS: Record<Format, (report: Report, opts: RenderOptions) => string> = {
  text: renderText,
  json: renderJson,
  yaml: renderYaml,
  sarif: renderSarif,
  junit: renderJunit,
};

export function render(format: Format, report: Report, opts: RenderOptions): string {
  const renderer = RENDERERS[format];
  if (!renderer) throw new Error(`unknown output format "${String(format)}" (expected one of ${FORMATS.join(', ')})`);
  return renderer(report, opts);
}

export { renderJson, renderJunit, renderSarif, renderText, renderYaml };
export { reportDocument } from './json.js';
export type { RenderOptions } from './options.js';
export { painter, stripAnsi } from './options.js';
