import pg from 'pg';
import { assessmentSchema, SCHEMA_SQL, runFromRows, type Ledger, type PerfRow, type ResultRow, type RunRow } from './types';

/** One advisory lock id for creating the tables, so two shards starting at once do not race on CREATE TABLE. */
const SCHEMA_LOCK = 4_216_016;

/** The shared ledger of a team: a PostgreSQL database, each run recorded in one transaction. */
export async function openPostgresLedger(url: string): Promise<Ledger> {
  const pool = new pg.Pool({ connectionString: url, max: 2, connectionTimeoutMillis: 10_000 });
  // An idle client that loses its server must not crash the process: the next query reports it.
  pool.on('error', () => undefined);
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    for (const sql of SCHEMA_SQL) await client.query(sql);
  });
  const withResults = async (row: RunRow) => {
    const [results, perf] = await Promise.all([
      pool.query<ResultRow>('SELECT * FROM results WHERE run_id = $1 ORDER BY project, scenario', [row.id]),
      pool.query<PerfRow>('SELECT * FROM perf WHERE run_id = $1', [row.id]),
    ]);
    return runFromRows(row, results.rows, perf.rows);
  };

  return {
    recordRun: (run) =>
      inTransaction(pool, async (client) => {
        await client.query(
          'INSERT INTO runs (id, build, commit_sha, target, tiers, shard, started_at, finished_at, status, report) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
          [run.id, run.build, run.commit, run.target, run.tiers.join(' '), run.shard, run.startedAt, run.finishedAt, run.status, run.report],
        );
        for (const r of run.results) {
          await client.query('INSERT INTO results (run_id, scenario, title, project, outcome, duration_ms, tags, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
            run.id,
            r.scenario,
            r.title,
            r.project,
            r.outcome,
            r.durationMs,
            r.tags.join(' '),
            r.error ?? null,
          ]);
          if (r.perf) await client.query('INSERT INTO perf (run_id, scenario, body) VALUES ($1, $2, $3)', [run.id, r.scenario, JSON.stringify(r.perf)]);
        }
      }),
    recordAssessment: async (a) => {
      await pool.query(
        'INSERT INTO assessments (build, base, head, created_at, body) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (build) DO UPDATE SET base = excluded.base, head = excluded.head, created_at = excluded.created_at, body = excluded.body',
        [a.build, a.base, a.head, a.createdAt, JSON.stringify(a)],
      );
    },
    runsOf: async (build) => Promise.all((await pool.query<RunRow>('SELECT * FROM runs WHERE build = $1 ORDER BY started_at, id', [build])).rows.map(withResults)),
    latestEarlierRun: async (tier, build, before) => {
      const { rows } = await pool.query<RunRow>("SELECT * FROM runs WHERE build <> $1 AND started_at < $2 AND (' ' || tiers || ' ') LIKE $3 ORDER BY started_at DESC LIMIT 1", [
        build,
        before,
        `% ${tier} %`,
      ]);
      return rows[0] ? withResults(rows[0]) : undefined;
    },
    assessmentOf: async (build) => {
      const { rows } = await pool.query<{ body: string }>('SELECT body FROM assessments WHERE build = $1', [build]);
      return rows[0] ? assessmentSchema.parse(JSON.parse(rows[0].body)) : undefined;
    },
    close: () => pool.end(),
  };
}

async function inTransaction(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await work(client);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
