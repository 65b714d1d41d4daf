import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { NetvetError } from '../util/errors';
import type { MeasurePlan, PathFigures } from './measure';
import { formatValue, higherIsBetter } from './sla';

/** Where runs are stored: one folder per scenario id, one JSON file per run. */
export function resultsDir(): string {
  return resolve(process.env.NETVET_PERF_RESULTS ?? 'reports/perf');
}

export interface StoredRun {
  scenario: string;
  run: string;
  time: string;
  target: string;
  plan: MeasurePlan;
  paths: PathFigures[];
}

/** Stores a run; returns its file. Names sort by time, so the last N files are the last N runs. */
export function storeRun(stored: StoredRun, dir = resultsDir()): string {
  const folder = join(dir, stored.scenario);
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${stored.time.replace(/[:.]/g, '-')}-${stored.run}.json`);
  writeFileSync(file, JSON.stringify(stored, null, 2) + '\n');
  return file;
}

/** The last `count` stored runs of a scenario on a target, oldest first. */
export function lastRuns(scenario: string, target: string, count: number, dir = resultsDir()): StoredRun[] {
  const folder = join(dir, scenario);
  let files: string[];
  try {
    files = readdirSync(folder).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return files
    .map((f) => readRun(join(folder, f)))
    .filter((r) => r.target === target)
    .slice(-count);
}

export function readRun(file: string): StoredRun {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new NetvetError(`no stored performance run at ${file}`, `name a file under ${resultsDir()}/<scenario id>/`);
  }
  try {
    const run = JSON.parse(text) as StoredRun;
    if (!Array.isArray(run.paths)) throw new Error('no paths');
    return run;
  } catch {
    throw new NetvetError('not a stored performance run (JSON with scenario, run, paths)', 'name a file written by a @perf scenario', { file });
  }
}

/** A figure of a stored path: `tcp.bps` (the median) or `tcp.bps.ratio`. */
function valueOf(path: PathFigures, name: string): number | undefined {
  return name.endsWith('.ratio') ? path.ratio[name.slice(0, -'.ratio'.length)] : path.figures[name]?.median;
}

export interface RegressionVerdict {
  path: string;
  metric: string;
  pass: boolean;
  message: string;
}

/**
 * Compares a run with the runs before it: the noise band is the baselines' own spread (min to max)
 * widened by `margin` times their median; a figure beyond the band on its bad side is a
 * regression. With no stored run yet there is nothing to compare and nothing fails.
 */
export function checkRegressions(current: readonly PathFigures[], baselines: readonly StoredRun[], metrics: readonly string[], margin: number): RegressionVerdict[] {
  return current.flatMap((path) =>
    metrics.flatMap((metric) => {
      const value = valueOf(path, metric);
      const history = baselines.map((b) => b.paths.find((p) => p.path === path.path)).flatMap((p) => (p && valueOf(p, metric) !== undefined ? [valueOf(p, metric)!] : []));
      if (value === undefined || !history.length) return [];
      const sorted = [...history].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)];
      const [low, high] = [sorted[0] - margin * Math.abs(median), sorted[sorted.length - 1] + margin * Math.abs(median)];
      const higher = higherIsBetter(metric);
      const pass = higher ? value >= low : value <= high;
      const band = `${formatValue(metric, low)} .. ${formatValue(metric, high)}`;
      const message = `${path.path}: ${metric} = ${formatValue(metric, value)} ${pass ? 'within' : higher ? 'below' : 'above'} the noise band ${band} of the last ${history.length} runs`;
      return [{ path: path.path, metric, pass, message }];
    }),
  );
}

/** `netvet perf compare A B`: every figure both runs have, side by side, with the change. */
export function compareRuns(a: StoredRun, b: StoredRun): string {
  const rows: string[][] = [['path', 'figure', `A (${a.run})`, `B (${b.run})`, 'change']];
  for (const pathA of a.paths) {
    const pathB = b.paths.find((p) => p.path === pathA.path);
    if (!pathB) continue;
    const names = Object.keys(pathA.figures).flatMap((m) => [m, ...(m in pathA.ratio ? [`${m}.ratio`] : [])]);
    for (const name of names) {
      const [va, vb] = [valueOf(pathA, name), valueOf(pathB, name)];
      if (va === undefined || vb === undefined) continue;
      const change = va === 0 ? (vb === 0 ? '0%' : 'new') : `${vb >= va ? '+' : ''}${(((vb - va) / Math.abs(va)) * 100).toFixed(1)}%`;
      rows.push([pathA.path, name, formatValue(name, va), formatValue(name, vb), change]);
    }
  }
  const missing = [...a.paths.filter((p) => !b.paths.some((q) => q.path === p.path)).map((p) => `${p.path} only in A`), ...b.paths.filter((p) => !a.paths.some((q) => q.path === p.path)).map((p) => `${p.path} only in B`)];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map((r) => r.map((cell, i) => (i >= 2 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('  ').trimEnd());
  // Figures of different plans (another UDP rate, say) are not like for like: said first.
  const plans = JSON.stringify(a.plan) === JSON.stringify(b.plan) ? [] : [`measured differently: A ${JSON.stringify(a.plan)}`, `                     B ${JSON.stringify(b.plan)}`];
  return [`A: ${a.scenario} run ${a.run} at ${a.time} on ${a.target}`, `B: ${b.scenario} run ${b.run} at ${b.time} on ${b.target}`, ...plans, '', ...table, ...missing].join('\n');
}
