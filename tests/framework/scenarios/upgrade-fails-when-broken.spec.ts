import { expect } from '@playwright/test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { UpgradeState } from '../../../lib/upgrade/state';
import { netvet } from '../support/cli';
import { test, type FrameworkLab } from '../support/lab';
import { expectNoRows } from '../support/northbound';

/**
 * The upgrade tier can fail, and cleans up when it does. Each test runs the three phases with the
 * real `netvet upgrade` command against a lab of its own whose target file names an upgrade
 * command (the hook real targets use) that breaks something, and checks that the phase that must
 * notice says what broke, and that nothing is left afterwards.
 */
test.describe.configure({ mode: 'serial' });

/** A copy of the lab's target file with `upgrade.command` set. */
function targetWithUpgrade(lab: FrameworkLab, file: string, command: string): string {
  writeFileSync(file, `${readFileSync(lab.targetFile, 'utf8')}upgrade:\n  command: ${JSON.stringify(command)}\n`);
  return file;
}

async function expectNothingLeft(lab: FrameworkLab, state: string, placements: string[]): Promise<void> {
  await expectNoRows(lab, 'Logical_Switch', 'Logical_Router', 'NAT');
  expect(existsSync(state), 'state file removed').toBe(false);
  for (const dir of placements) expect(existsSync(dir), `monitor directory ${dir} removed`).toBe(false);
}

test('upgrade post fails when the upgrade broke the floating IP, and cleans up', async ({ lab }, testInfo) => {
  const nb = `--db=${lab.target.ovn!.northbound}`;
  const target = targetWithUpgrade(lab, testInfo.outputPath('target.yaml'), `for lr in $(ovn-nbctl ${nb} --bare --columns=name list Logical_Router); do ovn-nbctl ${nb} lr-nat-del "$lr" dnat_and_snat; done; echo floating IPs unbound`);
  const state = testInfo.outputPath('upgrade-state.json');
  const args = ['--target', target, '--state', state];

  const pre = await netvet(['upgrade', 'pre', ...args]);
  expect(pre.code, pre.stdout + pre.stderr).toBe(0);
  const placements = (JSON.parse(readFileSync(state, 'utf8')) as UpgradeState).monitors.flatMap((m) => [m.placement.dir, ...(m.placement.reflectorDir ? [m.placement.reflectorDir] : [])]);
  const run = await netvet(['upgrade', 'run', ...args]);
  expect(run.code, run.stdout + run.stderr).toBe(0);
  expect(run.stdout).toContain('upgrade command: floating IPs unbound');
  const post = await netvet(['upgrade', 'post', ...args]);
  expect(post.code, post.stdout + post.stderr).toBe(1);
  expect(post.stdout).toMatch(/FAIL runner -> fip1 tcp\/5000: allow: no answer/);
  expect(post.stdout).toMatch(/runner -> fip1 icmp: traffic did not recover by the end/);
  expect(post.stdout).toMatch(/ok {3}vm1 -> vm2 icmp: allow/);
  expect(post.stdout).toContain('upgrade check FAILED');
  await expectNothingLeft(lab, state, placements);
});

test('upgrade run fails when the upgrade command fails; post says so and cleans up', async ({ lab }, testInfo) => {
  const target = targetWithUpgrade(lab, testInfo.outputPath('target.yaml'), 'echo upgrading; exit 3');
  const state = testInfo.outputPath('upgrade-state.json');
  const args = ['--target', target, '--state', state];

  expect((await netvet(['upgrade', 'pre', ...args])).code).toBe(0);
  const again = await netvet(['upgrade', 'pre', ...args]);
  expect(again.code).toBe(2);
  expect(again.stderr).toContain('an upgrade is already in progress');
  const run = await netvet(['upgrade', 'run', ...args]);
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('the upgrade command exited 3: echo upgrading; exit 3');
  const post = await netvet(['upgrade', 'post', ...args]);
  expect(post.code).toBe(1);
  expect(post.stdout).toContain("the upgrade was never run ('netvet upgrade run' did not finish)");
  await expectNothingLeft(lab, state, []);
});
