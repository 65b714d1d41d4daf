import type { Command } from 'commander';
import { cleanupRuns } from '../orchestrators/runs';

/** `netvet cleanup`: removes what killed runs left on their targets. */
export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description('remove the deployments of runs that died (and, with --all, every recorded deployment)')
    .option('--all', 'also remove kept deployments and those of runs still going')
    .option('--dry-run', 'only list what would be removed')
    .action(async (opts: { all?: boolean; dryRun?: boolean }) => {
      const items = await cleanupRuns(opts);
      for (const item of items) {
        if (item.error) {
          console.error(`could not remove ${item.prefix} (${item.reason}): ${item.error}`);
          process.exitCode = 1;
          continue;
        }
        console.log(`${opts.dryRun ? 'would remove' : 'removed'} ${item.prefix} (${item.reason})`);
        for (const leftover of item.leftovers) console.log(`  swept ${leftover}`);
      }
      console.log(items.length ? `${items.length} deployments ${opts.dryRun ? 'to remove' : 'removed'}` : 'nothing to clean up');
    });
}
