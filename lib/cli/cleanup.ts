import type { Command } from 'commander';
import { cleanupLabs } from '../lab/temporary';
import { cleanupRuns } from '../orchestrators/runs';
import { cleanupChanges } from '../target/restore-changes';

/** `netvet cleanup`: removes what killed runs left on their targets. */
export function registerCleanup(program: Command): void {
  program
    .command('cleanup')
    .description('take down the temporary labs, undo the encapsulation switches and remove the deployments of runs that died (labs brought up by hand are never touched)')
    .option('--all', 'also those of runs still going, and kept deployments')
    .option('--dry-run', 'only list what would be removed')
    .action(async (opts: { all?: boolean; dryRun?: boolean }) => {
      const failed = (what: string, reason: string, error: string) => {
        console.error(`could not ${what} (${reason}): ${error}`);
        process.exitCode = 1;
      };
      // Labs first: whatever a dead run left on a temporary lab goes with it.
      const labs = await cleanupLabs(opts);
      for (const lab of labs) {
        if (lab.error) failed(`take down lab '${lab.name}'`, lab.reason, lab.error);
        else console.log(`${opts.dryRun ? 'would take down' : 'took down'} temporary lab '${lab.name}' (${lab.reason})`);
      }
      const changes = await cleanupChanges(opts);
      for (const change of changes) {
        if (change.error) failed(`restore ${change.what}`, change.reason, change.error);
        else console.log(`${opts.dryRun ? 'would restore' : 'restored'} ${change.what} (${change.reason})`);
      }
      const items = await cleanupRuns(opts);
      for (const item of items) {
        if (item.error) {
          failed(`remove ${item.prefix}`, item.reason, item.error);
          continue;
        }
        console.log(`${opts.dryRun ? 'would remove' : 'removed'} ${item.prefix} (${item.reason})`);
        for (const leftover of item.leftovers) console.log(`  swept ${leftover}`);
      }
      const counts = [
        [labs.length, 'temporary lab', 'temporary labs'],
        [changes.length, 'encapsulation switch', 'encapsulation switches'],
        [items.length, 'deployment', 'deployments'],
      ] as const;
      const found = counts.filter(([n]) => n > 0).map(([n, one, many]) => `${n} ${n === 1 ? one : many}`);
      console.log(found.length ? `${found.join(', ')} ${opts.dryRun ? 'to clean up' : 'cleaned up'}` : 'nothing to clean up');
    });
}
