import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { figureOf, type PathFigures } from '../../../lib/perf/measure';
import { checkRegressions, compareRuns, lastRuns, storeRun, type StoredRun } from '../../../lib/perf/results';
import { checkSla, perfSpecOf } from '../../../lib/perf/sla';
import { NetvetError, NetvetErrors } from '../../../lib/util/errors';
import { netvet } from '../support/cli';

/**
 * The performance tier's verdicts without a lab: SLA files refused with located errors, SLA
 * conditions checked with the measured value in the message, the baseline noise band, stored runs
 * and their comparison.
 */

/** A path whose tcp.bps is `bps` over a 10 Gbit/s reference, and whose ping p99 is `p99` ms. */
function path(name: string, bps: number, p99 = 0.2): PathFigures {
  const reference = { 'tcp.bps': figureOf([10e9]), 'ping.p99': figureOf([0.05]) };
  return { path: name, figures: { 'tcp.bps': figureOf([bps]), 'ping.p99': figureOf([p99]) }, reference, ratio: { 'tcp.bps': bps / 10e9, 'ping.p99': p99 / 0.05 }, pingRoundTrips: { path: [], reference: [] } };
}

function refusal(text: string): string {
  try {
    perfSpecOf(text, 'east-west.sla.yaml');
  } catch (error) {
    expect(error instanceof NetvetError || error instanceof NetvetErrors).toBe(true);
    return (error as NetvetErrors).format();
  }
  throw new Error('the SLA file was accepted');
}

test('an unknown metric, a wrong unit and a malformed condition are refused at their line', () => {
  const text = ['sla:', "  '*':", '    - tcp.bsp.ratio >= 0.3', '    - ping.p99 <= 2Mbit/s', '    - latency is low', 'measure: { repeat: 0 }'].join('\n');
  const message = refusal(text);
  expect(message).toMatch(/east-west\.sla\.yaml:3:\d+.*unknown metric 'tcp\.bsp'/);
  expect(message).toMatch(/east-west\.sla\.yaml:4:\d+.*'Mbit\/s' is no unit of ping\.p99: use one of ms, us, s/);
  expect(message).toMatch(/east-west\.sla\.yaml:5:\d+.*'latency is low' is not a condition/);
  expect(message).toMatch(/east-west\.sla\.yaml:6:\d+.*below the minimum 1/);
});

test('SLA verdicts carry the measured value, in the unit the condition was written in', () => {
  const spec = perfSpecOf(["sla:", "  '*': [tcp.bps.ratio >= 0.3, ping.p99 <= 2ms]", '  slow: [tcp.bps >= 1Gbit/s]'].join('\n'), 'sla.yaml');
  const verdicts = checkSla(spec, [path('fast', 5e9), path('slow', 10e6, 3)]);
  expect(verdicts.filter((v) => !v.pass).map((v) => v.message)).toEqual([
    'slow: tcp.bps.ratio = 0.00100 breaks SLA tcp.bps.ratio >= 0.3',
    'slow: ping.p99 = 3.000 ms breaks SLA ping.p99 <= 2ms',
    'slow: tcp.bps = 10.0 Mbit/s breaks SLA tcp.bps >= 1Gbit/s',
  ]);
  expect(verdicts.filter((v) => v.pass)).toHaveLength(2);
});

test('a figure beyond the noise band of the stored baselines is a regression; within it is not; netvet perf compare prints the change', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'netvet-perf-'));
  try {
    const stored = (run: string, bps: number, time: string): StoredRun => ({ scenario: 'NV-PERF-900', run, time, target: 'lab', plan: { groups: ['tcp'], seconds: 1, repeat: 1, streams: 1, pairs: [1], udpRate: '1M', pings: 1, pingIntervalS: 1 }, paths: [path('p', bps)] });
    storeRun(stored('a', 4e9, '2026-01-01T00:00:00.000Z'), dir);
    const fileB = storeRun(stored('b', 5e9, '2026-01-02T00:00:00.000Z'), dir);
    const fileC = storeRun(stored('c', 6e9, '2026-01-03T00:00:00.000Z'), dir);
    const baselines = lastRuns('NV-PERF-900', 'lab', 2, dir);
    expect(baselines.map((b) => b.run)).toEqual(['b', 'c']);
    // Band over b and c: 0.5 .. 0.6 widened by 0.2 x 0.6 (their median): 0.38 .. 0.72.
    const [within] = checkRegressions([path('p', 4e9)], baselines, ['tcp.bps.ratio'], 0.2);
    expect(within.pass, within.message).toBe(true);
    const [below] = checkRegressions([path('p', 3e9)], baselines, ['tcp.bps.ratio'], 0.2);
    expect(below.message).toBe('p: tcp.bps.ratio = 0.300 below the noise band 0.380 .. 0.720 of the last 2 runs');
    const [slower] = checkRegressions([path('p', 5e9, 0.9)], baselines, ['ping.p99'], 0.2);
    expect(slower.pass).toBe(false);
    expect(slower.message).toMatch(/^p: ping\.p99 = 0\.900 ms above the noise band/);
    const diff = compareRuns(baselines[0], baselines[1]);
    expect(diff).toMatch(/p\s+tcp\.bps\s+5000\.0 Mbit\/s\s+6000\.0 Mbit\/s\s+\+20\.0%/);
    expect(diff).toMatch(/p\s+tcp\.bps\.ratio\s+0\.500\s+0\.600\s+\+20\.0%/);
    const cli = await netvet(['perf', 'compare', fileB, fileC]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout.trim()).toBe(diff);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
