import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { openLedger } from '../../../lib/ledger/open';
import { run } from '../../../lib/util/exec';
import { netvet, withOwnLab } from '../support/cli';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PLAYWRIGHT = join(ROOT, 'node_modules/@playwright/test/cli.js');
/**
 * `@regression` cut to a fixed set of features, so the shards and the single run they are compared
 * with take about a minute on 2 cores (the whole tier takes ~2.5 min per run): passing scenarios and,
 * on the default lab, skipped ones (the GUI needs Horizon, the bond and routed underlay their profiles).
 */
const SELECTION = '^(?=.*@regression(\\s|$))(?=.*@(l2|l3|gui|underlay|tenancy)(\\s|$))';

/** One Playwright run of the selection against `targetFile`, with its reports in `reports`, as a CI job would start it. */
function playwright(targetFile: string, reports: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return run([process.execPath, PLAYWRIGHT, 'test', '--project=scenarios', '--workers=1', '--grep', SELECTION, ...args], {
    allowFail: true,
    timeoutMs: 600_000,
    env: { ...process.env, NETVET_TARGET: targetFile, NETVET_RUN: undefined, NETVET_BUILD: undefined, NETVET_LEDGER: undefined, CI: '', NETVET_REPORTS_DIR: reports, ...env },
  });
}

interface JsonSuite {
  suites?: JsonSuite[];
  specs?: { title: string; tests: { status: string }[] }[];
}

/** `title -> passed | skipped | failed` from a Playwright JSON report. */
function outcomesOf(jsonFile: string): Record<string, string> {
  const outcomes: Record<string, string> = {};
  const walk = (suite: JsonSuite) => {
    for (const spec of suite.specs ?? []) {
      const status = spec.tests[0].status;
      outcomes[spec.title] = status === 'expected' || status === 'flaky' ? 'passed' : status === 'skipped' ? 'skipped' : 'failed';
    }
    (suite.suites ?? []).forEach(walk);
  };
  (JSON.parse(readFileSync(jsonFile, 'utf8')) as { suites: JsonSuite[] }).suites.forEach(walk);
  return outcomes;
}

/**
 * A nightly spread over two machines: two shards of `@regression` (a fixed selection of it), each
 * on its own lab brought up side by side, both recording into one ledger under one build:
 * - merged (`netvet merge-reports`), their reports hold the same passed and skipped scenarios as
 *   one run of the same selection, in one Playwright HTML report and one Allure report;
 * - the ledger holds both shards' results under the build;
 * - `netvet gate` says qualified when the build's required tier passed, and not qualified, naming
 *   the tier, for a release that also requires a tier the build never ran.
 */
test('two shards on two labs, merged, equal one run; the ledger holds both under one build; the gate reads them', async () => {
  test.setTimeout(900_000);
  const dir = mkdtempSync(join(tmpdir(), 'netvet-nightly-'));
  const build = `nightly-${process.pid}`;
  const ledgerFile = join(dir, 'ledger.sqlite');
  try {
    await withOwnLab('nsa', 'topologies/labs/default.yaml', (a) =>
      withOwnLab('nsb', 'topologies/labs/default.yaml', async (b) => {
        const ledgerEnv = { NETVET_BUILD: build, NETVET_LEDGER: ledgerFile };
        const shards = await test.step('two shards run side by side, one on each lab', () =>
          Promise.all([playwright(a.targetFile, join(dir, 'shard-1'), ['--shard', '1/2'], ledgerEnv), playwright(b.targetFile, join(dir, 'shard-2'), ['--shard', '2/2'], ledgerEnv)]),
        );
        for (const shard of shards) expect(shard.code, shard.stdout + shard.stderr).toBe(0);
        expect(shards[0].stdout).toContain(`ledger: recorded `);
        expect(shards[1].stdout).toContain(`of build ${build} (shard 2/2)`);

        const single = await test.step('the same selection in one run', () =>
          playwright(a.targetFile, join(dir, 'single'), ['--reporter=json'], { PLAYWRIGHT_JSON_OUTPUT_FILE: join(dir, 'single.json') }),
        );
        expect(single.code, single.stderr).toBe(0);
        const expected = outcomesOf(join(dir, 'single.json'));
        expect(Object.values(expected)).toContain('passed');
        expect(Object.values(expected)).toContain('skipped');

        await test.step('merged, the shards hold what the single run holds', async () => {
          // The Allure history of this test's own, not the checkout's.
          const env = { ...process.env, NETVET_ALLURE_HISTORY: join(dir, 'history.jsonl') };
          const merged = await netvet(['merge-reports', join(dir, 'shard-1'), join(dir, 'shard-2'), '--out', join(dir, 'merged')], { env });
          expect(merged.code, merged.stderr).toBe(0);
          expect(merged.stdout).toContain('merged 2 shard reports');
          expect(outcomesOf(join(dir, 'merged/results.json'))).toEqual(expected);
          expect(existsSync(join(dir, 'merged/html/index.html'))).toBe(true);
          expect(existsSync(join(dir, 'merged/allure-report/index.html'))).toBe(true);
          const allureResults = ['shard-1', 'shard-2'].flatMap((s) => readdirSync(join(dir, s, 'allure-results')).filter((f) => f.endsWith('-result.json')).map((f) => join(dir, s, 'allure-results', f)));
          expect(allureResults.length).toBe(Object.keys(expected).length);
          // As nightly readers see it: behaviours, severity, the target's environment, history across runs.
          const labels = allureResults.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as { labels: { name: string; value: string }[] }).labels);
          expect(labels).toContainEqual({ name: 'story', value: 'NV-L3-001 router joins two networks; a network on no router stays unreachable' });
          expect(labels).toContainEqual({ name: 'severity', value: 'blocker' });
          expect(labels).toContainEqual({ name: 'feature', value: '@tenancy' });
          const environment = readFileSync(join(dir, 'shard-2/allure-results/environment.properties'), 'utf8');
          expect(environment).toMatch(/^target=lab-nsb\w*\nsdn=ovn\nversion.ovn=\d+\.\d+\.\d+.*\nversion.openvswitch=\d+\.\d+\.\d+.*\norchestrator=ovn-northbound\ndriver=ovn-northbound\nencapsulation=geneve\nlab.profile=/);
          const again = await netvet(['merge-reports', join(dir, 'shard-1'), join(dir, 'shard-2'), '--out', join(dir, 'merged-again')], { env });
          expect(again.code, again.stderr).toBe(0);
          expect(readFileSync(join(dir, 'history.jsonl'), 'utf8').trim().split('\n').length, 'runs in the Allure history').toBe(2);
        });

        await test.step('the ledger holds both shards under the build', async () => {
          const ledger = await openLedger(ledgerFile, 'test');
          try {
            const runs = await ledger.runsOf(build);
            expect(runs.map((r) => [r.shard, r.tiers, r.target]).sort()).toEqual([
              ['1/2', ['@regression'], a.targetFile],
              ['2/2', ['@regression'], b.targetFile],
            ]);
            expect(Object.fromEntries(runs.flatMap((r) => r.results.map((x) => [x.title, x.outcome])))).toEqual(expected);
            await ledger.recordAssessment({
              build,
              base: 'main',
              head: build,
              createdAt: new Date().toISOString(),
              required: { feature: ['@regression'], security: ['@regression'], hotfix: ['@regression', '@ha'] },
              reasons: ['controller: control-plane, high'],
            });
          } finally {
            await ledger.close();
          }
        });

        await test.step('the gate: qualified as a feature release; as a hotfix, not qualified for want of @ha', async () => {
          const feature = await netvet(['gate', build, '--ledger', ledgerFile]);
          expect(feature.code, feature.stdout + feature.stderr).toBe(0);
          expect(feature.stdout).toContain(`build ${build}: qualified for a feature release\n`);
          expect(feature.stdout).toMatch(/ {2}@regression {2}passed {3}\d+ passed, 0 failed, \d+ skipped in 2 runs \(shards 1\/2, 2\/2\)\n/);
          const hotfix = await netvet(['gate', build, '--ledger', ledgerFile, '--release', 'hotfix']);
          expect(hotfix.code).toBe(1);
          expect(hotfix.stdout).toContain(`build ${build}: not qualified for a hotfix release\n`);
          expect(hotfix.stdout).toContain(`  @ha          missing  no run of build ${build} was asked for @ha\n`);
        });
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
