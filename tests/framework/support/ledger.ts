import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { RunRecord, ScenarioResult } from '../../../lib/ledger/types';
import { run } from '../../../lib/util/exec';

/** A run as the ledger reporter would record it; `results` as `[scenario, outcome, tags]`. */
export function sampleRun(build: string, fields: Partial<RunRecord> & { results?: RunRecord['results'] } = {}): RunRecord {
  const now = new Date().toISOString();
  return { id: randomUUID(), build, commit: 'c0ffee', target: 'lab unit', tiers: ['@sanity'], shard: '', startedAt: now, finishedAt: now, status: 'passed', report: '/reports/x', results: [], ...fields };
}

export function result(scenario: string, outcome: ScenarioResult['outcome'], tags: string[] = ['@sanity']): ScenarioResult {
  return { scenario, title: `title of ${scenario}`, project: 'scenarios', outcome, durationMs: 1200, tags, ...(outcome === 'failed' ? { error: 'expected allow, observed deny' } : {}) };
}

const WRITER = fileURLToPath(new URL('./ledger-writer.ts', import.meta.url));

/** Records `runs` runs of `results` results each under `build`, in a process of its own (a shard on another machine). */
export const writeInAnotherProcess = (url: string, build: string, shard: string, runs: number, results: number) =>
  run([process.execPath, '--import', 'tsx', WRITER, url, build, shard, String(runs), String(results)], { timeoutMs: 120_000 });
