import type { Command } from 'commander';
import { targetFilePath } from '../target/load';
import { upgradePost, upgradePre, upgradeRun } from '../upgrade/phases';

type Options = { target?: string; state?: string };

/** `netvet upgrade pre|run|post`: the upgrade tier, one phase per call; parses options and calls lib/upgrade. */
export function registerUpgrade(program: Command): void {
  const upgrade = program
    .command('upgrade')
    .description('upgrade tier: workloads and background traffic before (pre), the upgrade (run), checks and loss after (post)');
  const phase = (name: string, description: string, action: (opts: Options) => Promise<void>) =>
    upgrade
      .command(name)
      .description(description)
      .option('--target <file>', 'target file (default: NETVET_TARGET, else the running lab)')
      .option('--state <file>', 'state file carried between the phases (default: <state dir>/upgrade/<target name>.json)')
      .action(action);
  const common = (opts: Options) => ({ targetFile: opts.target ?? targetFilePath(), stateFile: opts.state, log: (line: string) => console.log(line) });

  phase('pre', 'check the target is healthy, build the workloads, start background traffic, save the state', async (opts) => {
    const state = await upgradePre(common(opts));
    console.log(`ready for the upgrade: ${state.prefix} with ${state.monitors.length} traffic monitors`);
  });
  phase('run', "run the target's upgrade (upgrade.command in its file, else a rolling restart); healthy before and after", async (opts) => {
    const state = await upgradeRun(common(opts));
    for (const step of state.upgrade!.steps) console.log(`  ${step.step}: ${(step.ms / 1000).toFixed(1)} s${step.detail ? ` (${step.detail})` : ''}`);
    console.log(`upgraded by ${state.upgrade!.procedure} in ${((Date.parse(state.upgrade!.finishedAt) - Date.parse(state.upgrade!.startedAt)) / 1000).toFixed(1)} s`);
  });
  phase('post', 'check the same workloads still work, report the traffic lost during the upgrade, remove everything', async (opts) => {
    const result = await upgradePost(common(opts));
    for (const check of result.checks) console.log(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.name}: ${check.detail}`);
    for (const problem of result.problems) console.log(`  ! ${problem}`);
    console.log(result.problems.length ? `upgrade check FAILED: ${result.problems.length} problem(s)` : 'upgrade check passed');
    if (result.problems.length) process.exitCode = 1;
  });
}
