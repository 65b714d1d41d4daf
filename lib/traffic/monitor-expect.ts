import type { MonitorReport } from './monitor';

/**
 * What a scenario expects of background traffic across a fault, as data: "no loss",
 * "outage < 2 s". Each field left out is not checked.
 */
export interface TrafficExpectation {
  maxLost?: number;
  /** The longest silence must stay below this. */
  outageBelowMs?: number;
  /** tcp: the established stream never broke (no reconnect). */
  connectionKept?: boolean;
  /** Traffic flows again by the end. */
  recovers?: boolean;
  noReordering?: boolean;
  noDuplicates?: boolean;
}

/** No probe lost, nothing reordered or duplicated, a TCP stream never broken. */
export const noLoss: TrafficExpectation = { maxLost: 0, connectionKept: true, recovers: true, noReordering: true, noDuplicates: true };

/** Loss allowed, but no silence as long as `ms`, and traffic flows again by the end. */
export function outageBelow(ms: number): TrafficExpectation {
  return { outageBelowMs: ms, recovers: true };
}

/** What in the report breaks the expectation (empty when it holds). */
export function violations(report: MonitorReport, expectation: TrafficExpectation): string[] {
  const { maxLost, outageBelowMs, connectionKept, recovers, noReordering, noDuplicates } = expectation;
  return [
    ...(maxLost !== undefined && report.lost > maxLost ? [`${report.lost} of ${report.sent} probes lost (at most ${maxLost} allowed)`] : []),
    ...(outageBelowMs !== undefined && report.longestOutageMs >= outageBelowMs ? [`outage of ${report.longestOutageMs} ms (must stay below ${outageBelowMs} ms)`] : []),
    ...(connectionKept && report.reconnects > 0 ? [`the TCP stream broke ${report.reconnects} time(s)`] : []),
    ...(recovers && !report.recovered ? ['traffic did not recover by the end'] : []),
    ...(noReordering && report.reordered > 0 ? [`${report.reordered} replies arrived out of order`] : []),
    ...(noDuplicates && report.duplicated > 0 ? [`${report.duplicated} replies were duplicated`] : []),
  ];
}

/** `vm1 -> vm2 icmp every 10 ms: 812 sent, 0 lost, longest outage 31 ms, 0 reordered, 0 duplicated` */
export function summarize(report: MonitorReport): string {
  const outages = report.outages.map((o) => `${o.ms} ms at ${new Date(o.at).toISOString().slice(11, 23)}`);
  return [
    `${report.label} every ${report.intervalMs} ms: ${report.sent} sent, ${report.lost} lost, longest outage ${report.longestOutageMs} ms,`,
    ` ${report.reordered} reordered, ${report.duplicated} duplicated`,
    report.kind === 'tcp' ? `, ${report.reconnects} reconnects` : '',
    report.recovered ? '' : ', NOT recovered',
    outages.length ? `; outages: ${outages.join(', ')}` : '',
    Object.keys(report.errors).length ? `; errors: ${Object.entries(report.errors).map(([e, n]) => `${e} x${n}`).join(', ')}` : '',
  ].join('');
}
