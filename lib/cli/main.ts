import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { describeError } from '../util/errors';
import { registerCleanup } from './cleanup';
import { registerExplain } from './explain';
import { registerGate } from './gate';
import { registerLab } from './lab';
import { registerMergeReports } from './merge-reports';
import { registerRisk } from './risk';
import { registerPerf } from './perf';
import { registerSetup } from './setup';
import { registerTarget } from './target';
import { registerTopology } from './topology';
import { registerUpgrade } from './upgrade';

/** The `netvet` command. Each subcommand lives in its own file and only parses options. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('netvet')
    .description('end-to-end feature tests for software-defined networks')
    .version(packageVersion(), '-V, --version', 'print the version of netvet')
    .exitOverride()
    .showHelpAfterError();
  registerLab(program);
  registerTarget(program);
  registerTopology(program);
  registerCleanup(program);
  registerExplain(program);
  registerPerf(program);
  registerSetup(program);
  registerUpgrade(program);
  registerRisk(program);
  registerGate(program);
  registerMergeReports(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    console.error(`netvet: ${describeError(error)}`);
    return 2;
  }
}

/** The version in package.json, the one place it is kept. */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}
