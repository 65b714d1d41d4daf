import type { Command } from 'commander';
import { megabytes } from '../report/allure';
import { mergeShardReports } from '../report/merge';

/** `netvet merge-reports SHARD_DIR... [--out DIR]`: parses options and calls the library. */
export function registerMergeReports(program: Command): void {
  program
    .command('merge-reports')
    .description("join the shards' reports (blob reports, Allure results) into one Playwright HTML report, one JSON report and one Allure report")
    .argument('<dirs...>', "each shard's reports folder (its reports/ as a CI artifact)")
    .option('--out <dir>', 'where the merged reports go', 'reports/merged')
    .action(async (dirs: string[], opts: { out: string }) => {
      const merged = await mergeShardReports(dirs, opts.out);
      console.log(`merged ${merged.shards} shard reports`);
      console.log(`Playwright report: ${merged.html}`);
      console.log(`JSON report: ${merged.json}`);
      console.log(merged.allure ? `Allure report: ${merged.allure} (${megabytes(merged.allure)})` : 'no Allure results in the shards: no Allure report');
    });
}
