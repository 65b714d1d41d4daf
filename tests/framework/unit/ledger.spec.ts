import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fileURLToPath } from 'node:url';
import { openLedger, parseLedgerUrl } from '../../../lib/ledger/open';
import { run } from '../../../lib/util/exec';
import { describeError } from '../../../lib/util/errors';
import { netvet } from '../support/cli';
import { result, sampleRun, writeInAnotherProcess } from '../support/ledger';
import { withPostgres } from '../support/postgres';

/**
 * The run ledger, on both databases it takes (an SQLite file; a real PostgreSQL server from Debian,
 * started here as an unprivileged process on a free port and its own unix socket):
 * - a run and its results come back as recorded, under their build (a performance scenario's figures and verdicts too);
 * - two shards writing at once from two processes lose nothing;
 * - a bad ledger URL is named with the fix, and a ledger that cannot be reached says so;
 * - a run whose ledger cannot be written fails, loudly, though its tests passed.
 */

let dir: string;
test.beforeEach(() => void (dir = mkdtempSync(join(tmpdir(), 'netvet-ledger-'))));
test.afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function recordsAndReadsBack(url: string) {
  const ledger = await openLedger(url, 'test');
  try {
    const perf = {
      paths: [{ path: 'across-hosts', figures: { 'tcp.bps': 1.668e8, 'ping.p99': 8.32 }, ratio: { 'tcp.bps': 0.038 } }],
      verdicts: [{ path: 'across-hosts', pass: true, message: 'across-hosts: tcp.bps.ratio = 0.038 meets SLA tcp.bps.ratio >= 0.01' }],
    };
    const shard1 = sampleRun('b1', {
      shard: '1/2',
      tiers: ['@sanity', '@regression'],
      // In the order the ledger reads them back: by project, then scenario.
      results: [result('NV-L2-001', 'passed'), { ...result('NV-PERF-001', 'passed', ['@perf']), perf }, result('NV-SG-001', 'failed')],
    });
    const shard2 = sampleRun('b1', { shard: '2/2', results: [result('NV-L3-001', 'skipped')] });
    await ledger.recordRun(shard1);
    await ledger.recordRun(shard2);
    await ledger.recordRun(sampleRun('b2'));
    const runs = await ledger.runsOf('b1');
    expect(runs.map((r) => r.id).sort()).toEqual([shard1.id, shard2.id].sort());
    expect(runs.find((r) => r.id === shard1.id)).toEqual(shard1);
    expect(await ledger.runsOf('nope')).toEqual([]);
  } finally {
    await ledger.close();
  }
}

async function twoShardsAtOnceLoseNothing(url: string) {
  const [a, b] = await Promise.all([writeInAnotherProcess(url, 'b3', '1/2', 40, 25), writeInAnotherProcess(url, 'b3', '2/2', 40, 25)]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  const ledger = await openLedger(url, 'test');
  try {
    const runs = await ledger.runsOf('b3');
    expect(runs.length).toBe(80);
    expect(runs.reduce((n, r) => n + r.results.length, 0)).toBe(2000);
  } finally {
    await ledger.close();
  }
}

test('SQLite: a run comes back as recorded, and two shards writing at once lose nothing', async () => {
  await recordsAndReadsBack(join(dir, 'ledger.sqlite'));
  await twoShardsAtOnceLoseNothing(`sqlite:${join(dir, 'shared.sqlite')}`);
});

test('PostgreSQL: a run comes back as recorded over TCP and the unix socket, and two shards writing at once lose nothing', async () => {
  await withPostgres(async (server) => {
    await recordsAndReadsBack(server.tcpUrl);
    await twoShardsAtOnceLoseNothing(server.socketUrl);
  });
});

test('a bad ledger URL is named with the fix', async () => {
  const problems = ['', 'mysql://db/netvet', 'postgres://db.example', 'postgres://[bad/netvet', 'sqlite:'].map((url) => {
    try {
      parseLedgerUrl(url, 'NETVET_LEDGER');
      return `${url}: accepted`;
    } catch (error) {
      return describeError(error);
    }
  });
  expect(problems).toEqual([
    'NETVET_LEDGER: the ledger URL is empty\n  fix: write a file path (`/var/lib/netvet/ledger.sqlite`, or `sqlite:/path/ledger.sqlite`) or a PostgreSQL URL (`postgres://user@host:5432/netvet`, `postgres:///netvet?host=/run/postgresql`)',
    "NETVET_LEDGER: 'mysql:' is not a ledger netvet can write (SQLite or PostgreSQL)\n  fix: write a file path (`/var/lib/netvet/ledger.sqlite`, or `sqlite:/path/ledger.sqlite`) or a PostgreSQL URL (`postgres://user@host:5432/netvet`, `postgres:///netvet?host=/run/postgresql`)",
    "NETVET_LEDGER: 'postgres://db.example' names no database\n  fix: add the database after the host: `postgres://user@host:5432/netvet`",
    "NETVET_LEDGER: 'postgres://[bad/netvet' is not a valid PostgreSQL URL\n  fix: write it as `postgres://user:password@host:5432/database` (percent-encode special characters in the password)",
    "NETVET_LEDGER: 'sqlite:' names no SQLite file\n  fix: write the file after the scheme: `sqlite:/var/lib/netvet/ledger.sqlite`",
  ]);
  // Through the CLI: one located line with the fix, exit 2, and never the password.
  const unreachable = await netvet(['gate', 'b1', '--ledger', 'postgres://netvet:s3cret@127.0.0.1:1/netvet']);
  expect(unreachable.code).toBe(2);
  expect(unreachable.stderr).toMatch(/^netvet: --ledger: cannot reach the PostgreSQL ledger postgres:\/\/netvet:\*\*\*@127\.0\.0\.1:1\/netvet: .*ECONNREFUSED.*\n {2}fix: check that the server runs/);
  expect(unreachable.stderr).not.toContain('s3cret');
  const unwritable = await netvet(['gate', 'b1', '--ledger', '/etc/hostname/ledger.sqlite']);
  expect(unwritable.code).toBe(2);
  expect(unwritable.stderr).toContain('netvet: /etc/hostname/ledger.sqlite: --ledger: cannot open the SQLite ledger');
});

test('a run whose ledger cannot be written fails, loudly, though its tests passed', async () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  // A quick test file of netvet's own, run as a build's run would be, with its reports kept apart from this run's.
  const child = await run([process.execPath, `${root}/node_modules/@playwright/test/cli.js`, 'test', '--project=framework', 'tests/framework/unit/allure-labels.spec.ts', '--grep', 'behaviours by feature'], {
    allowFail: true,
    timeoutMs: 120_000,
    env: { ...process.env, NETVET_BUILD: 'b-lost', NETVET_LEDGER: '/etc/hostname/ledger.sqlite', NETVET_REPORTS_DIR: join(dir, 'reports'), CI: '' },
  });
  expect(child.stdout).toContain('1 passed');
  expect(child.code).toBe(1);
  expect(child.stderr).toContain('netvet: THE RUN WAS NOT RECORDED in the ledger, so the run fails:\n/etc/hostname/ledger.sqlite: NETVET_LEDGER: cannot open the SQLite ledger');
});
