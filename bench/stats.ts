/** Small helpers shared by the benchmarks: medians and one printed line per figure. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export function printRow(what: string, medianMs: number, targetMs: number, samples: number[]): void {
  const verdict = medianMs <= targetMs ? 'within' : 'OVER';
  const list = samples.map((s) => s.toFixed(0)).join(' ');
  console.log(`${what}: median ${medianMs.toFixed(1)} ms (${verdict} target ${targetMs} ms; runs: ${list})`);
}
