import type { Command } from 'commander';
import { compareRuns, readRun, resultsDir } from '../perf/results';

/** `netvet perf compare A B`: parses options and calls the library. */
export function registerPerf(program: Command): void {
  const perf = program.command('perf').description('stored runs of the @perf tier');
  perf
    .command('compare')
    .description(`print every figure of two stored runs side by side with the change (runs are stored under ${resultsDir()}/<scenario id>/)`)
    .argument('<a>', 'the stored run to compare from (a JSON file)')
    .argument('<b>', 'the stored run to compare with (a JSON file)')
    .action((a: string, b: string) => {
      console.log(compareRuns(readRun(a), readRun(b)));
    });
}
