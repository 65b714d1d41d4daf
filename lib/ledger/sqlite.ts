import Database from 'better-sqlite3';
import { assessmentSchema, SCHEMA_SQL, runFromRows, type Assessment, type Ledger, type PerfRow, type ResultRow, type RunRecord, type RunRow } from './types';

/** How long a writer waits for another (the other shard of the same machine) to finish its transaction. */
const BUSY_TIMEOUT_MS = 30_000;

/**
 * The embedded ledger: one SQLite file. WAL lets readers go on while a shard writes, and a writer
 * that finds another one busy waits for it, so two shards recording at once both keep their records.
 */
export function openSqliteLedger(file: string): Ledger {
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.transaction(() => SCHEMA_SQL.forEach((sql) => db.exec(sql))).immediate();

  const insertRun = db.prepare(
    `INSERT INTO runs (id, build, commit_sha, target, tiers, shard, started_at, finished_at, status, report)
     VALUES (@id, @build, @commit, @target, @tiers, @shard, @startedAt, @finishedAt, @status, @report)`,
  );
  const insertResult = db.prepare(
    `INSERT INTO results (run_id, scenario, title, project, outcome, duration_ms, tags, error)
     VALUES (@runId, @scenario, @title, @project, @outcome, @durationMs, @tags, @error)`,
  );
  const insertPerf = db.prepare('INSERT INTO perf (run_id, scenario, body) VALUES (?, ?, ?)');
  const resultsOf = db.prepare<[string], ResultRow>('SELECT * FROM results WHERE run_id = ? ORDER BY project, scenario');
  const perfOf = db.prepare<[string], PerfRow>('SELECT * FROM perf WHERE run_id = ?');
  const withResults = (row: RunRow) => runFromRows(row, resultsOf.all(row.id), perfOf.all(row.id));
  // IMMEDIATE: take the write lock at the start, so two writers queue instead of failing halfway.
  const record = db.transaction((run: RunRecord) => {
    insertRun.run({ ...run, tiers: run.tiers.join(' ') });
    for (const r of run.results) {
      insertResult.run({ ...r, runId: run.id, tags: r.tags.join(' '), error: r.error ?? null });
      if (r.perf) insertPerf.run(run.id, r.scenario, JSON.stringify(r.perf));
    }
  });

  const saveAssessment = db.prepare(
    `INSERT INTO assessments (build, base, head, created_at, body) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (build) DO UPDATE SET base = excluded.base, head = excluded.head, created_at = excluded.created_at, body = excluded.body`,
  );
  const runsOfBuild = db.prepare<[string], RunRow>('SELECT * FROM runs WHERE build = ? ORDER BY started_at, id');
  const latestOfTier = db.prepare<[string, string, string], RunRow>(
    "SELECT * FROM runs WHERE build <> ? AND started_at < ? AND (' ' || tiers || ' ') LIKE ? ORDER BY started_at DESC LIMIT 1",
  );
  const assessmentBody = db.prepare<[string], { body: string }>('SELECT body FROM assessments WHERE build = ?');

  return {
    recordRun: (run) => settle(() => void record.immediate(run)),
    recordAssessment: (a: Assessment) => settle(() => void saveAssessment.run(a.build, a.base, a.head, a.createdAt, JSON.stringify(a))),
    runsOf: (build) => settle(() => runsOfBuild.all(build).map(withResults)),
    latestEarlierRun: (tier, build, before) =>
      settle(() => {
        const row = latestOfTier.get(build, before, `% ${tier} %`);
        return row ? withResults(row) : undefined;
      }),
    assessmentOf: (build) =>
      settle(() => {
        const row = assessmentBody.get(build);
        return row ? assessmentSchema.parse(JSON.parse(row.body)) : undefined;
      }),
    close: () => settle(() => void db.close()),
  };
}

/** better-sqlite3 is synchronous: its answer, or its error, as the promise the Ledger interface returns. */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}
