import { summarize } from '../../lib/traffic/monitor-expect';
import { upgradePost, upgradePre, upgradeRun } from '../../lib/upgrade/phases';
import { expect, test } from '../../fixtures';

/**
 * The upgrade tier, its three phases in order against one target (the `upgrade` project runs them
 * alone, one worker): what `netvet upgrade pre`, `run` and `post` do from the command line. A
 * failed phase does not skip the next, so `post` always cleans up.
 */
const lines: string[] = [];
const log = (line: string) => lines.push(line);

test.afterEach(async ({}, testInfo) => {
  await testInfo.attach('log', { body: lines.splice(0).join('\n') || 'nothing logged', contentType: 'text/plain' });
});

test(
  'upgrade pre: healthy target, long-lived workloads working, background traffic started',
  { tag: ['@upgrade'], annotation: [{ type: 'id', description: 'NV-UPG-001' }] },
  async ({ targetFile }) => {
    const state = await upgradePre({ targetFile, log });
    expect(state.monitors.length).toBeGreaterThan(0);
  },
);

test(
  "upgrade run: the target's upgrade procedure, healthy before and after",
  { tag: ['@upgrade'], annotation: [{ type: 'id', description: 'NV-UPG-002' }] },
  async ({ targetFile }, testInfo) => {
    const { upgrade } = await upgradeRun({ targetFile, log });
    const seconds = (Date.parse(upgrade!.finishedAt) - Date.parse(upgrade!.startedAt)) / 1000;
    testInfo.annotations.push({ type: 'measured', description: `${upgrade!.procedure}: ${upgrade!.steps.length} steps in ${seconds.toFixed(1)} s` });
    await testInfo.attach('upgrade steps', { body: upgrade!.steps.map((s) => `${s.step}: ${s.ms} ms${s.detail ? ` (${s.detail})` : ''}`).join('\n'), contentType: 'text/plain' });
  },
);

test(
  'upgrade post: the same workloads still work, traffic flows again; loss during the upgrade reported',
  { tag: ['@upgrade'], annotation: [{ type: 'id', description: 'NV-UPG-003' }] },
  async ({ targetFile }, testInfo) => {
    const result = await upgradePost({ targetFile, log });
    for (const report of result.traffic) testInfo.annotations.push({ type: 'measured', description: summarize(report) });
    await testInfo.attach('checks', { body: result.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`).join('\n'), contentType: 'text/plain' });
    expect(result.problems, result.problems.join('\n')).toEqual([]);
    expect(result.checks.length).toBeGreaterThan(0);
  },
);
