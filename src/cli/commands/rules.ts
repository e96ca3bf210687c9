import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { RULES, ruleById } from '../../rules/index.js';
import { docsFile, docsPath } from '../../rules/docs.js';
import type { RuleMeta } from '../../rules/types.js';
import { addOutputOption, UsageError } from '../common.js';
import type { CliContext } from '../context.js';

export function ruleCatalog(): Map<string, RuleMeta & { docs: string }> {
  return new Map(RULES.map((r) => [r.meta.id, { ...r.meta, docs: docsPath(r.meta.id) }]));
}

export function rulesCommand(ctx: CliContext): Command {
  const cmd = new Command('rules').summary('the rule catalog, and one rule\'s documentation').description(
    'List every rule the tool implements (id, severity, category, evidence), or show one rule\'s page: ' +
      'what MetalLB does, how to confirm it by hand, how to fix it.',
  );
  addOutputOption(cmd, ['text', 'json']);
  cmd.addHelpText('after', `\nExamples:\n  ${ctx.name} rules\n  ${ctx.name} rules -o json\n  ${ctx.name} rules show pool-overlap`);
  cmd.action((opts: { output: string }) => {
    const rows = RULES.map((r) => r.meta);
    if (opts.output === 'json') {
      ctx.out(JSON.stringify(rows.map((m) => ({ ...m, docs: docsPath(m.id) })), null, 2) + '\n');
      return;
    }
    const w = Math.max(...rows.map((m) => m.id.length));
    const lines = rows.map(
      (m) => `${m.id.padEnd(w)}  ${(m.severities ?? [m.severity]).join('/').padEnd(16)} ${m.category.padEnd(15)} ${m.evidence.join(',').padEnd(10)} ${m.description}`,
    );
    ctx.out(`${'RULE'.padEnd(w)}  ${'SEVERITY'.padEnd(16)} ${'CATEGORY'.padEnd(15)} ${'EVIDENCE'.padEnd(10)} DESCRIPTION\n${lines.join('\n')}\n`);
  });
  cmd
    .command('show')
    .description("print one rule's documentation page")
    .argument('<id>', 'rule id, e.g. pool-overlap')
    .action((id: string) => {
      const rule = ruleById(id);
      if (!rule) throw new UsageError(`unknown rule "${id}" (see \`${ctx.name} rules\`)`);
      ctx.out(readFileSync(docsFile(id), 'utf8'));
    });
  return cmd;
}
