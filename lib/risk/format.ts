import { playwrightSelection, type RiskAssessment } from './assess';

/** What `netvet risk` prints: each component with its files and the tiers it asks for, then the commands to run. */
export function formatRisk(assessment: RiskAssessment, range: string): string {
  const n = assessment.changed.length;
  const lines = [`${range}: ${n} change${n === 1 ? '' : 's'}, ${assessment.release} release`];
  if (!assessment.changed.length) lines.push('nothing changed: no tier is required');
  for (const reason of assessment.reasons) {
    const head =
      reason.component === 'unmapped'
        ? `unmapped: no component of risk.yaml claims ${reason.files.length === 1 ? 'this change' : 'these changes'}, so every tier is required`
        : `${reason.component} (layer ${reason.layer}, blast radius ${reason.blastRadius})`;
    lines.push(`  ${head} -> ${reason.tiers.join(' ') || 'no tier'}`);
    lines.push(...reason.files.slice(0, 10).map((f) => `      ${f}`));
    if (reason.files.length > 10) lines.push(`      and ${reason.files.length - 10} more`);
  }
  lines.push(`required tiers: ${assessment.tiers.join(' ') || 'none'}`);
  const commands = playwrightSelection(assessment.tiers);
  if (commands.length) lines.push('run:', ...commands.map((c) => `  ${c}`));
  return lines.join('\n');
}

/** One line per component for the ledger, which the gate page quotes. */
export function reasonLines(assessment: RiskAssessment): string[] {
  return assessment.reasons.map((r) => (r.component === 'unmapped' ? `${r.files.length} unmapped change(s): every tier` : `${r.component}: ${r.layer}, ${r.blastRadius}`));
}
