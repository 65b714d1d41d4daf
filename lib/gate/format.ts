import type { GateVerdict } from './evaluate';

/** What `netvet gate` prints: the verdict, then each required tier with its state and reports. */
export function formatGate(verdict: GateVerdict): string {
  const width = Math.max(...verdict.tiers.map((t) => t.tier.length), 4);
  return [
    `build ${verdict.build}: ${verdict.qualified ? 'qualified' : 'not qualified'} for a ${verdict.release} release`,
    `  required: ${verdict.requiredBecause}`,
    ...verdict.tiers.flatMap((t) => [
      `  ${t.tier.padEnd(width)}  ${t.state.padEnd(7)}  ${t.detail}`,
      ...t.failures.map((f) => `  ${' '.repeat(width)}           failed: ${f}`),
      ...t.reports.map((r) => `  ${' '.repeat(width)}           report: ${r}`),
    ]),
    ...(verdict.qualified ? [] : [`  not shown: ${verdict.tiers.filter((t) => t.state !== 'passed').map((t) => `${t.tier} (${t.state})`).join(', ')}`]),
  ].join('\n');
}
