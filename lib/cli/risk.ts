import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { RELEASE_KINDS, type ReleaseKind } from '../ledger/types';
import { withLedger } from '../ledger/cli';
import { assessRisk } from '../risk/assess';
import { formatRisk, reasonLines } from '../risk/format';
import { changedFiles } from '../risk/git';
import { loadRiskFile } from '../risk/load';

/** `netvet risk --base REF [--head REF] [--repo DIR]`: parses options and calls the library. */
export function registerRisk(program: Command): void {
  program
    .command('risk')
    .description('the tiers a change must pass: changed files -> components of risk.yaml -> blast radius -> tiers, with reasons and the Playwright commands')
    .requiredOption('--base <ref>', 'what the change is compared with (the target branch)')
    .option('--head <ref>', 'the change', 'HEAD')
    .option('--repo <dir>', 'the product repository', '.')
    .option('--risk <file>', 'the risk file (default: risk.yaml at the root of --repo)')
    .addOption(new Option('--release <kind>', 'the kind of release').choices(RELEASE_KINDS).default('feature'))
    .option('--build <id>', 'record the required tiers for this build in the ledger, where `netvet gate` reads them')
    .option('--ledger <url>', 'SQLite file or PostgreSQL URL (default: NETVET_LEDGER, or /var/lib/netvet/ledger.sqlite)')
    .option('--json', 'print the assessment as JSON')
    .action(async (opts: { base: string; head: string; repo: string; risk?: string; release: ReleaseKind; build?: string; ledger?: string; json?: boolean }) => {
      const risk = await loadRiskFile(opts.risk ?? resolve(opts.repo, 'risk.yaml'));
      const assessment = assessRisk(risk, await changedFiles(opts.repo, opts.base, opts.head), opts.release);
      console.log(opts.json ? JSON.stringify(assessment, null, 2) : formatRisk(assessment, `${opts.base}...${opts.head} in ${resolve(opts.repo)}`));
      const build = opts.build;
      if (build) {
        await withLedger(opts.ledger, (ledger) =>
          ledger.recordAssessment({ build, base: opts.base, head: opts.head, createdAt: new Date().toISOString(), required: assessment.byRelease, reasons: reasonLines(assessment) }),
        );
        if (!opts.json) console.log(`recorded for build ${build}: netvet gate ${build} checks these tiers`);
      }
    });
}
