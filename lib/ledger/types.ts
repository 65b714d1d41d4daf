import { z } from 'zod';

/** How one scenario ended in one run (a flaky one passed on retry). */
export const outcomeSchema = z.enum(['passed', 'failed', 'skipped', 'flaky']);
export type Outcome = z.infer<typeof outcomeSchema>;

/**
 * What a performance scenario measured: each path's figures (medians) and ratios to the reference
 * path, and its SLA and baseline verdicts, as the perf fixture attaches them (`PERF_RECORD`).
 */
export const perfRecordSchema = z.object({
  paths: z.array(z.object({ path: z.string(), figures: z.record(z.string(), z.number()), ratio: z.record(z.string(), z.number()) })),
  verdicts: z.array(z.object({ path: z.string(), pass: z.boolean(), message: z.string() })),
});
export type PerfRecord = z.infer<typeof perfRecordSchema>;

/** The attachment a performance scenario's record travels in, from its worker to the ledger reporter. */
export const PERF_RECORD = { name: 'performance record', contentType: 'application/json' } as const;

/** One scenario's result in one run. */
export const resultSchema = z.object({
  /** The stable id (`NV-L2-001`), or the title when a test has none (framework tests). */
  scenario: z.string().min(1),
  title: z.string(),
  project: z.string(),
  outcome: outcomeSchema,
  durationMs: z.number().int().nonnegative(),
  tags: z.array(z.string()),
  /** The first line of the failure, for the gate page. */
  error: z.string().optional(),
  /** Figures and SLA verdicts of a performance scenario. */
  perf: perfRecordSchema.optional(),
});
export type ScenarioResult = z.infer<typeof resultSchema>;

/** One Playwright run (one shard of one): what the reporter records when it ends. */
export const runSchema = z.object({
  id: z.string().min(1),
  build: z.string().min(1),
  commit: z.string(),
  target: z.string(),
  /** The tiers this run was asked for (its --grep), which the gate counts it towards. */
  tiers: z.array(z.string()),
  /** `1/2` for `--shard 1/2`, empty when not sharded. */
  shard: z.string(),
  startedAt: z.string().datetime(),
  finishedAt: z.string().datetime(),
  /** Playwright's verdict for the run: passed, failed, timedout, interrupted. */
  status: z.string(),
  /** Where the run's report is (a URL in CI, a path on a desk). */
  report: z.string(),
  results: z.array(resultSchema),
});
export type RunRecord = z.infer<typeof runSchema>;

export const RELEASE_KINDS = ['feature', 'security', 'hotfix'] as const;
export type ReleaseKind = (typeof RELEASE_KINDS)[number];

/** What `netvet risk --build` decided for a build: the tiers each release kind must pass, and why. */
export const assessmentSchema = z.object({
  build: z.string().min(1),
  base: z.string(),
  head: z.string(),
  createdAt: z.string().datetime(),
  required: z.record(z.enum(RELEASE_KINDS), z.array(z.string())),
  reasons: z.array(z.string()),
});
export type Assessment = z.infer<typeof assessmentSchema>;

/** Where runs are remembered: an SQLite file (one machine) or PostgreSQL (a team). */
export interface Ledger {
  /** The run and all its results, in one transaction: all of it is kept or none. */
  recordRun(run: RunRecord): Promise<void>;
  recordAssessment(assessment: Assessment): Promise<void>;
  /** Every run of `build`, oldest first, with its results. */
  runsOf(build: string): Promise<RunRecord[]>;
  /** The latest run of another build that was asked for `tier` and started before `before`. */
  latestEarlierRun(tier: string, build: string, before: string): Promise<RunRecord | undefined>;
  assessmentOf(build: string): Promise<Assessment | undefined>;
  close(): Promise<void>;
}

/** Rows as both databases return them (tiers and tags space-separated, times ISO text). */
export interface RunRow {
  id: string;
  build: string;
  commit_sha: string;
  target: string;
  tiers: string;
  shard: string;
  started_at: string;
  finished_at: string;
  status: string;
  report: string;
}
export interface ResultRow {
  run_id: string;
  scenario: string;
  title: string;
  project: string;
  outcome: string;
  duration_ms: number;
  tags: string;
  error: string | null;
}

/** A performance scenario's record, in a table of its own (ledgers made before it keep working). */
export interface PerfRow {
  run_id: string;
  scenario: string;
  body: string;
}

export function runFromRows(row: RunRow, results: ResultRow[], perf: PerfRow[] = []): RunRecord {
  const perfOf = new Map(perf.map((p) => [p.scenario, perfRecordSchema.parse(JSON.parse(p.body))]));
  return {
    id: row.id,
    build: row.build,
    commit: row.commit_sha,
    target: row.target,
    tiers: words(row.tiers),
    shard: row.shard,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status,
    report: row.report,
    results: results.map((r) => ({
      scenario: r.scenario,
      title: r.title,
      project: r.project,
      outcome: outcomeSchema.parse(r.outcome),
      durationMs: Number(r.duration_ms),
      tags: words(r.tags),
      ...(r.error ? { error: r.error } : {}),
      ...(perfOf.has(r.scenario) ? { perf: perfOf.get(r.scenario) } : {}),
    })),
  };
}

const words = (text: string) => text.split(' ').filter(Boolean);

/** The tables, in SQL both SQLite and PostgreSQL take. */
export const SCHEMA_SQL = [
  `CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, build TEXT NOT NULL, commit_sha TEXT NOT NULL, target TEXT NOT NULL, tiers TEXT NOT NULL,
     shard TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL, status TEXT NOT NULL, report TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS runs_build ON runs (build)`,
  `CREATE TABLE IF NOT EXISTS results (run_id TEXT NOT NULL REFERENCES runs (id), scenario TEXT NOT NULL, title TEXT NOT NULL, project TEXT NOT NULL,
     outcome TEXT NOT NULL, duration_ms INTEGER NOT NULL, tags TEXT NOT NULL, error TEXT)`,
  `CREATE INDEX IF NOT EXISTS results_run ON results (run_id)`,
  `CREATE TABLE IF NOT EXISTS perf (run_id TEXT NOT NULL REFERENCES runs (id), scenario TEXT NOT NULL, body TEXT NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS perf_run ON perf (run_id)`,
  `CREATE TABLE IF NOT EXISTS assessments (build TEXT PRIMARY KEY, base TEXT NOT NULL, head TEXT NOT NULL, created_at TEXT NOT NULL, body TEXT NOT NULL)`,
];
