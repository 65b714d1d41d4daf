import type { Ledger, ReleaseKind, RunRecord } from '../ledger/types';
import { TIERS } from '../tags';

export type TierState = 'passed' | 'failed' | 'missing' | 'stale';

export interface TierVerdict {
  tier: string;
  state: TierState;
  /** One line a release manager reads: counts, or what is missing and why. */
  detail: string;
  /** The reports of the runs that count (those of an earlier build when stale). */
  reports: string[];
  /** `scenario: first line of the error`, for each failed scenario. */
  failures: string[];
}

export interface GateVerdict {
  build: string;
  release: ReleaseKind;
  qualified: boolean;
  /** Where the required tiers come from: the build's risk assessment, or every tier when it has none. */
  requiredBecause: string;
  tiers: TierVerdict[];
}

/**
 * Whether `build` may ship as a `release`: each tier its risk assessment requires (every tier without
 * one) must have passed in a run of this build. A tier last run for an earlier build is stale; one
 * run in shards of which one never reported is missing.
 */
export async function evaluateGate(ledger: Ledger, build: string, release: ReleaseKind): Promise<GateVerdict> {
  const assessment = await ledger.assessmentOf(build);
  const required = assessment?.required[release] ?? [...TIERS];
  const requiredBecause = assessment
    ? `risk assessment of ${assessment.base ? `${assessment.base}...${assessment.head}` : `packages ${assessment.head}`}: ${assessment.reasons.join('; ')}`
    : `no risk assessment recorded for build ${build} (netvet risk --build ${build}): every tier is required`;
  const runs = await ledger.runsOf(build);
  // The build exists from its first record on: evidence older than that is about another build.
  const since = [...runs.map((r) => r.startedAt), ...(assessment ? [assessment.createdAt] : [])].sort()[0] ?? new Date().toISOString();
  const tiers: TierVerdict[] = [];
  for (const tier of required) {
    const tierRuns = runs.filter((r) => r.tiers.includes(tier));
    if (tierRuns.length) {
      tiers.push(verdictOf(tier, tierRuns, build));
      continue;
    }
    const earlier = await ledger.latestEarlierRun(tier, build, since);
    tiers.push(
      earlier
        ? { tier, state: 'stale', detail: `last run for build ${earlier.build} at ${earlier.startedAt}, older than build ${build}`, reports: [earlier.report], failures: [] }
        : { tier, state: 'missing', detail: `no run of build ${build} was asked for ${tier}`, reports: [], failures: [] },
    );
  }
  return { build, release, qualified: tiers.every((t) => t.state === 'passed'), requiredBecause, tiers };
}

function verdictOf(tier: string, runs: RunRecord[], build: string): TierVerdict {
  const reports = [...new Set(runs.map((r) => r.report))];
  const missingShards = unreportedShards(runs);
  if (missingShards.length) {
    return { tier, state: 'missing', detail: `shard ${missingShards.join(', ')} of build ${build} never recorded its results`, reports, failures: [] };
  }
  // A scenario run again later (a re-run of a failed shard) counts by its latest result.
  const latest = new Map<string, RunRecord['results'][number]>();
  for (const run of runs) for (const result of run.results.filter((r) => r.tags.includes(tier))) latest.set(`${result.project}\0${result.scenario}`, result);
  const results = [...latest.values()];
  const count = (outcomes: string[]) => results.filter((r) => outcomes.includes(r.outcome)).length;
  const [passed, failed, skipped] = [count(['passed', 'flaky']), count(['failed']), count(['skipped'])];
  const flaky = count(['flaky']);
  const broken = runs.filter((r) => r.status === 'timedout' || r.status === 'interrupted');
  const shards = runs
    .filter((r) => r.shard)
    .map((r) => r.shard)
    .sort((a, b) => parseInt(a) - parseInt(b));
  const detail = `${passed} passed${flaky ? ` (${flaky} flaky)` : ''}, ${failed} failed, ${skipped} skipped in ${runs.length} run${runs.length === 1 ? '' : 's'}${shards.length ? ` (shards ${shards.join(', ')})` : ''}`;
  const failures = results.filter((r) => r.outcome === 'failed').map((r) => `${r.scenario}: ${r.error ?? 'failed'}`);
  if (failed || broken.length) {
    return { tier, state: 'failed', detail: broken.length ? `${detail}; ${broken.map((r) => `a run ${r.status}`).join(', ')}` : detail, reports, failures };
  }
  if (!passed) return { tier, state: 'missing', detail: `${detail}: no scenario of ${tier} passed, so nothing was shown`, reports, failures };
  return { tier, state: 'passed', detail, reports, failures };
}

/** `2/3` for each shard of a sharded run that is not in the ledger. */
function unreportedShards(runs: RunRecord[]): string[] {
  const seen = new Map<number, Set<number>>();
  for (const run of runs) {
    const [current, total] = run.shard.split('/').map(Number);
    if (!total) continue;
    seen.set(total, (seen.get(total) ?? new Set()).add(current));
  }
  return [...seen].flatMap(([total, currents]) =>
    Array.from({ length: total }, (_, i) => i + 1)
      .filter((i) => !currents.has(i))
      .map((i) => `${i}/${total}`),
  );
}
