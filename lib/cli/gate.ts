import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { evaluateGate } from '../gate/evaluate';
import { formatGate } from '../gate/format';
import { gatePage } from '../gate/html';
import { withLedger } from '../ledger/cli';
import { RELEASE_KINDS, type ReleaseKind } from '../ledger/types';

/** `netvet gate BUILD [--release KIND]`: exit 0 when qualified, 1 when not; parses options and calls the library. */
export function registerGate(program: Command): void {
  program
    .command('gate')
    .description('whether a build may ship: each tier its risk requires, passed, failed, missing or stale, from the ledger (exit 1 when not qualified)')
    .argument('<build>', 'the build id the runs were recorded under (NETVET_BUILD)')
    .addOption(new Option('--release <kind>', 'the kind of release').choices(RELEASE_KINDS).default('feature'))
    .option('--ledger <url>', 'SQLite file or PostgreSQL URL (default: NETVET_LEDGER, or /var/lib/netvet/ledger.sqlite)')
    .option('--html <file>', 'also write the verdict as a one-page HTML summary')
    .option('--json', 'print the verdict as JSON')
    .action(async (build: string, opts: { release: ReleaseKind; ledger?: string; html?: string; json?: boolean }) => {
      const verdict = await withLedger(opts.ledger, (ledger) => evaluateGate(ledger, build, opts.release));
      console.log(opts.json ? JSON.stringify(verdict, null, 2) : formatGate(verdict));
      if (opts.html) {
        writeFileSync(opts.html, gatePage(verdict));
        if (!opts.json) console.log(`summary: ${opts.html}`);
      }
      process.exitCode = verdict.qualified ? 0 : 1;
    });
}
