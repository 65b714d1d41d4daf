import type { Command } from 'commander';
import { checkTarget, describeCheck } from '../target/check';
import { targetFilePath } from '../target/load';

/** `netvet target check`: parses options and calls lib/target. */
export function registerTarget(program: Command): void {
  const target = program.command('target').description('a deployment netvet tests, whoever built it, as its target file describes it');
  target
    .command('check')
    .description('reach every host over SSH, check the SDN (control plane, chassis, tunnels) and the external network from this machine')
    .option('--target <file>', 'target file (default: NETVET_TARGET, else the default lab)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { target?: string; json?: boolean }) => {
      const check = await checkTarget(opts.target ?? targetFilePath());
      console.log(opts.json ? JSON.stringify(check, null, 2) : describeCheck(check));
      if (!check.healthy) process.exitCode = 1;
    });
}
