import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { FullConfig, FullResult, Reporter, TestCase } from '@playwright/test/reporter';
import { openLedger, defaultLedgerUrl } from '../ledger/open';
import { PERF_RECORD, perfRecordSchema, type Outcome, type ScenarioResult } from '../ledger/types';
import { TIERS } from '../tags';
import { describeError } from '../util/errors';

/**
 * Records the run into the ledger when it ends: build, commit, target, tiers, shard, and every
 * scenario's outcome and duration (a performance scenario's figures and verdicts too), in one transaction. On only when NETVET_BUILD names the build
 * (NETVET_LEDGER names the ledger, an SQLite file beside netvet's state by default). A ledger that
 * cannot be written fails the run, loudly: a nightly whose record is lost would look missing to the gate.
 */
export default class LedgerReporter implements Reporter {
  private readonly build = process.env.NETVET_BUILD;
  private readonly startedAt = new Date().toISOString();
  private shard = '';
  private readonly results = new Map<TestCase, ScenarioResult>();

  onBegin(config: FullConfig): void {
    if (config.shard) this.shard = `${config.shard.current}/${config.shard.total}`;
  }

  onTestEnd(test: TestCase): void {
    if (!this.build) return;
    const last = test.results.at(-1);
    const error = last?.error?.message?.split('\n')[0];
    const perf = last?.attachments.find((a) => a.name === PERF_RECORD.name && a.body);
    this.results.set(test, {
      scenario: test.annotations.find((a) => a.type === 'id')?.description ?? test.titlePath().slice(2).join(' > '),
      title: test.title,
      project: test.parent.project()?.name ?? '',
      outcome: outcomeOf(test),
      durationMs: Math.round(test.results.reduce((sum, r) => sum + r.duration, 0)),
      tags: test.tags,
      ...(error ? { error } : {}),
      ...(perf?.body ? { perf: perfRecordSchema.parse(JSON.parse(perf.body.toString('utf8'))) } : {}),
    });
  }

  async onEnd(result: FullResult): Promise<{ status?: FullResult['status'] } | undefined> {
    if (!this.build) return undefined;
    const url = process.env.NETVET_LEDGER || defaultLedgerUrl();
    try {
      const ledger = await openLedger(url, process.env.NETVET_LEDGER ? 'NETVET_LEDGER' : 'the default ledger');
      try {
        await ledger.recordRun({
          id: randomUUID(),
          build: this.build,
          commit: process.env.NETVET_COMMIT ?? process.env.GITHUB_SHA ?? process.env.CI_COMMIT_SHA ?? process.env.GIT_COMMIT ?? '',
          target: process.env.NETVET_TARGET ?? 'lab default',
          tiers: runTiers(),
          shard: this.shard,
          startedAt: this.startedAt,
          finishedAt: new Date().toISOString(),
          status: result.status,
          report: process.env.NETVET_REPORT_URL ?? resolve(process.env.NETVET_REPORTS_DIR ?? 'reports'),
          results: [...this.results.values()],
        });
      } finally {
        await ledger.close();
      }
      console.log(`ledger: recorded ${this.results.size} results of build ${this.build}${this.shard ? ` (shard ${this.shard})` : ''}`);
      return undefined;
    } catch (error) {
      console.error(`\nnetvet: THE RUN WAS NOT RECORDED in the ledger, so the run fails:\n${describeError(error)}\n`);
      return { status: 'failed' };
    }
  }
}

function outcomeOf(test: TestCase): Outcome {
  const outcome = test.outcome();
  if (outcome === 'expected') return 'passed';
  if (outcome === 'unexpected') return 'failed';
  return outcome;
}

/**
 * The tiers the run was asked for, which the gate counts it towards: NETVET_TIERS (`@sanity @regression`)
 * when CI says so, or else the tier tags named in the command's `--grep`. A run without either counts for none.
 */
export function runTiers(argv: readonly string[] = process.argv, env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.NETVET_TIERS) return env.NETVET_TIERS.split(/[\s,]+/).filter(Boolean);
  const greps = argv.flatMap((arg, i) => (arg === '--grep' || arg === '-g' ? [argv[i + 1] ?? ''] : arg.startsWith('--grep=') ? [arg.slice('--grep='.length)] : []));
  return TIERS.filter((tier) => greps.some((grep) => new RegExp(`${tier}(?![a-z])`).test(grep)));
}
