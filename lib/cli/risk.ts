import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { RELEASE_KINDS, type ReleaseKind } from '../ledger/types';
import { withLedger } from '../ledger/cli';
import { assessRisk } from '../risk/assess';
import { formatRisk, reasonLines } from '../risk/format';
import { changedFiles } from '../risk/git';
import { loadRiskFile } from '../risk/load';
import { NetvetError } from '../util/errors';

/** `netvet risk --base REF [--head REF] [--repo DIR] [--packages A,B]`: parses options and calls the library. */
export function registerRisk(program: Command): void {
  program
    .command('risk')
    .description('the tiers a change must pass: changed files -> components of risk.yaml -> blast radius -> tiers, with reasons and the Playwright commands')
    .option('--base <ref>', 'what the change is compared with (the target branch)')
    .option('--head <ref>', 'the change', 'HEAD')
    .option('--repo <dir>', 'the product repository', '.')
    .option('--packages <names>', 'changed packages, comma-separated (a release of packages rather than a branch)')
    .option('--risk <file>', 'the risk file (default: risk.yaml at the root of --repo)')
    .addOption(new Option('--release <kind>', 'the kind of release').choices(RELEASE_KINDS).default('feature'))
    .option('--build <id>', 'record the required tiers for this build in the ledger, where `netvet gate` reads them')
    .option('--ledger <url>', 'SQLite file or PostgreSQL URL (default: NETVET_LEDGER, or /var/lib/netvet/ledger.sqlite)')
    .option('--json', 'print the assessment as JSON')
    .action(async (opts: { base?: string; head: string; repo: string; packages?: string; risk?: string; release: ReleaseKind; build?: string; ledger?: string; json?: boolean }) => {
      if (!opts.base && !opts.packages) throw new NetvetError('netvet risk needs a change', 'give --base REF (the branch the change goes into) or --packages NAME,NAME (the packages it ships)');
      const risk = await loadRiskFile(opts.risk ?? resolve(opts.repo, 'risk.yaml'));
      const files = opts.base ? await changedFiles(opts.repo, opts.base, opts.head) : [];
      const packages = (opts.packages ?? '').split(',').map((p) => p.trim()).filter(Boolean);
      const assessment = assessRisk(risk, { files, packages }, opts.release);
      const range = [opts.base ? `${opts.base}...${opts.head} in ${resolve(opts.repo)}` : '', packages.length ? `packages ${packages.join(', ')}` : ''].filter(Boolean).join(' and ');
      console.log(opts.json ? JSON.stringify(assessment, null, 2) : formatRisk(assessment, range));
      const build = opts.build;
      if (build) {
        await withLedger(opts.ledger, (ledger) =>
          ledger.recordAssessment({ build, base: opts.base ?? '', head: opts.base ? opts.head : packages.join(','), createdAt: new Date().toISOString(), required: assessment.byRelease, reasons: reasonLines(assessment) }),
        );
        if (!opts.json) console.log(`recorded for build ${build}: netvet gate ${build} checks these tiers`);
      }
    });
}
