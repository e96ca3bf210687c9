import { ordered } from '../../model/logs/analysis.js';
import { defineRule } from '../types.js';
import { eventLine, kubectlLogs, logSubject, occurrenceText, streamText, timeText, whoText } from '../../model/logs/evidence.js';
import type { ConfigState } from '../../model/logs/analysis.js';

export default defineRule({
  meta: {
    id: 'log-config-rejected',
    severity: 'error',
    category: 'logs',
    evidence: ['logs'],
    description:
      "A speaker or the controller logged that it rejected MetalLB's configuration (a reconciler's parse error, `reload failed`, `new configuration rejected`) and accepted none after it: it runs on its last valid configuration, and changes since then are not applied.",
    fix: "Correct the object MetalLB's error names (`metallb-doctor lint` on the configuration points at the field), apply it, and check that the component logs `config reloaded`.",
  },
  check({ state, report }) {
    const logs = state.logAnalysis;
    if (!logs) return;
    // one finding per error text: every speaker rejects the same configuration the same way
    const byText = new Map<string, ConfigState[]>();
    for (const c of ordered(logs.config)) {
      if (!c.rejected) continue;
      const why = c.reason ?? c.rejected.last;
      const text = why.details.error || why.message;
      byText.set(text, [...(byText.get(text) ?? []), c]);
    }
    for (const [text, cs] of byText) {
      const accepted = cs.filter((c) => c.lastAccepted);
      report({
        message:
          `${whoText(cs.map((c) => c.stream))} rejected MetalLB's configuration and accepted none since: "${text.length > 300 ? `${text.slice(0, 300)}…` : text}". ` +
          `MetalLB keeps running on the last configuration it accepted${accepted.length > 0 ? '' : ' (none in these logs: if it never had one, it announces nothing)'}, so configuration changes since then do not take effect.`,
        subjects: cs.slice(0, 10).map((c) => logSubject(c.rejected!.last)),
        evidence: [
          ...cs.slice(0, 6).flatMap((c) => [
            `${streamText(c.stream)}: rejected ${occurrenceText(c.rejected!)}${c.lastAccepted ? `; it last accepted one at ${timeText(c.lastAccepted.time)}` : ''}`,
            eventLine(c.reason ?? c.rejected!.last),
          ]),
          ...(cs.length > 6 ? [`and ${cs.length - 6} more component(s) with the same error`] : []),
        ],
        fix: `Fix what the error names (run \`metallb-doctor lint\` on the configuration to find the field), apply it, and confirm with: ${kubectlLogs(cs[0]!.stream, 'config reloaded|reload failed|rejected')}.`,
      });
    }
  },
});
