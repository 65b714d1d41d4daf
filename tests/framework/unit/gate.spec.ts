import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { openLedger } from '../../../lib/ledger/open';
import type { Ledger } from '../../../lib/ledger/types';
import { netvet } from '../support/cli';
import { result, sampleRun } from '../support/ledger';

/**
 * `netvet gate BUILD`: from the runs in the ledger (a real SQLite file), whether the build may ship:
 * - qualified (exit 0) when every tier its risk assessment requires passed, over shards;
 * - not qualified (exit 1) naming each tier that failed, is missing (never run, or a shard that never
 *   reported) or is stale (last run for an earlier build), with the reports;
 * - without an assessment every tier is required, and it says so;
 * - the one-page HTML summary says the same.
 */

let dir: string;
let ledgerFile: string;
let ledger: Ledger;
const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString();

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netvet-gate-'));
  ledgerFile = join(dir, 'ledger.sqlite');
  ledger = await openLedger(ledgerFile, 'test');
  const assess = (build: string, required: Record<'feature' | 'security' | 'hotfix', string[]>) =>
    ledger.recordAssessment({ build, base: 'main', head: build, createdAt: new Date().toISOString(), required, reasons: ['ovs-datapath: datapath, critical'] });
  // b41: an earlier build whose @ha run is the only one there is.
  await ledger.recordRun(sampleRun('b41', { tiers: ['@ha'], startedAt: HOUR_AGO, finishedAt: HOUR_AGO, report: 'https://ci.example/b41/report', results: [result('NV-HA-001', 'passed', ['@ha'])] }));
  // b42: sanity in two shards and regression, all passed (a skip and a flaky pass among them).
  await assess('b42', { feature: ['@sanity', '@regression'], security: ['@sanity'], hotfix: ['@sanity'] });
  await ledger.recordRun(sampleRun('b42', { shard: '1/2', results: [result('NV-L2-001', 'passed'), result('NV-L3-001', 'skipped')] }));
  await ledger.recordRun(sampleRun('b42', { shard: '2/2', results: [result('NV-SG-001', 'flaky')] }));
  await ledger.recordRun(sampleRun('b42', { tiers: ['@regression'], results: [result('NV-FIP-001', 'passed', ['@regression'])] }));
  // b43: sanity passed, regression failed, @ha only from b41, @perf never run, @scale's shard 2/2 lost.
  await assess('b43', { feature: ['@sanity', '@regression', '@perf', '@scale', '@ha'], security: [], hotfix: [] });
  await ledger.recordRun(sampleRun('b43', { results: [result('NV-L2-001', 'passed')] }));
  await ledger.recordRun(sampleRun('b43', { tiers: ['@regression'], status: 'failed', results: [result('NV-SG-002', 'failed', ['@regression']), result('NV-L2-002', 'passed', ['@regression'])] }));
  await ledger.recordRun(sampleRun('b43', { tiers: ['@scale'], shard: '1/2', results: [result('NV-SCALE-001', 'passed', ['@scale'])] }));
  // b44: no risk assessment, only sanity.
  await ledger.recordRun(sampleRun('b44', { results: [result('NV-L2-001', 'passed')] }));
});
test.afterAll(async () => {
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a build whose required tiers passed is qualified, over shards, with its HTML summary', async () => {
  const html = join(dir, 'b42.html');
  const gate = await netvet(['gate', 'b42', '--ledger', ledgerFile, '--html', html]);
  expect(gate.code, gate.stderr).toBe(0);
  expect(gate.stdout).toMatch(/^build b42: qualified for a feature release\n {2}required: risk assessment of main\.\.\.b42: ovs-datapath: datapath, critical\n/);
  expect(gate.stdout).toContain('  @sanity      passed   2 passed (1 flaky), 0 failed, 1 skipped in 2 runs (shards 1/2, 2/2)\n');
  expect(gate.stdout).toContain('  @regression  passed   1 passed, 0 failed, 0 skipped in 1 run\n');
  const page = readFileSync(html, 'utf8');
  expect(page).toContain('<title>netvet gate: build b42 qualified</title>');
  expect(page).toContain('<a href="file:///reports/x">/reports/x</a>');
  // A security release of the same build needs only sanity.
  const security = await netvet(['gate', 'b42', '--ledger', ledgerFile, '--release', 'security', '--json']);
  expect(JSON.parse(security.stdout)).toMatchObject({ qualified: true, tiers: [{ tier: '@sanity', state: 'passed' }] });
});

test('a build that did not show a required tier is not qualified, naming each tier and why', async () => {
  const gate = await netvet(['gate', 'b43', '--ledger', ledgerFile]);
  expect(gate.code, gate.stderr).toBe(1);
  expect(gate.stdout.split('\n')).toEqual([
    'build b43: not qualified for a feature release',
    '  required: risk assessment of main...b43: ovs-datapath: datapath, critical',
    '  @sanity      passed   1 passed, 0 failed, 0 skipped in 1 run',
    '                        report: /reports/x',
    '  @regression  failed   1 passed, 1 failed, 0 skipped in 1 run',
    '                        failed: NV-SG-002: expected allow, observed deny',
    '                        report: /reports/x',
    '  @perf        missing  no run of build b43 was asked for @perf',
    '  @scale       missing  shard 2/2 of build b43 never recorded its results',
    '                        report: /reports/x',
    `  @ha          stale    last run for build b41 at ${HOUR_AGO}, older than build b43`,
    '                        report: https://ci.example/b41/report',
    '  not shown: @regression (failed), @perf (missing), @scale (missing), @ha (stale)',
    '',
  ]);
});

test('a build without a risk assessment needs every tier, and the gate says so', async () => {
  const gate = await netvet(['gate', 'b44', '--ledger', ledgerFile]);
  expect(gate.code).toBe(1);
  expect(gate.stdout).toContain('  required: no risk assessment recorded for build b44 (netvet risk --build b44): every tier is required\n');
  expect(gate.stdout).toContain('  @gui         missing  no run of build b44 was asked for @gui\n');
  expect(gate.stdout).toContain('  @sanity      passed   ');
});
