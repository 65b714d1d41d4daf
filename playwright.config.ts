import { randomBytes } from 'node:crypto';
import { defineConfig } from '@playwright/test';
import type { TargetOptions } from './fixtures/target';
import { ensureRunSecretPrefix } from './lib/util/secrets';

// One id per run, shared by every worker: it prefixes everything the run creates on the target.
process.env.NETVET_RUN ??= randomBytes(2).toString('hex');
// The prefix of every password the run makes, so its reports can redact them (lib/util/secrets.ts).
ensureRunSecretPrefix();

/**
 * Projects: `framework` holds netvet's own tests (units, the lab, scenarios broken on purpose);
 * `scenarios` runs the SDN scenarios through the target's own orchestrator, against the target in
 * NETVET_TARGET (the running lab by default); `serial` the disruptive ones, alone; `perf` the
 * performance tier, alone and with no project before it.
 * Tiers and features are tags: `--grep "@sanity(\s|$)"`.
 */
// Asked for on the command line of the main process; its workers, whose command line differs,
// read the answer from the environment they inherit, so they load the same projects.
if (process.argv.some((arg) => arg.includes('openstack'))) process.env.NETVET_OPENSTACK_PROJECT = '1';
const openstackAsked = process.env.NETVET_OPENSTACK_PROJECT === '1';
if (process.argv.some((arg) => arg.includes('vmware'))) process.env.NETVET_VMWARE_PROJECT = '1';
const vmwareAsked = process.env.NETVET_VMWARE_PROJECT === '1';
// Where the run's reports go: two shards on one machine (or CI jobs sharing a workspace) each name their own.
const reports = process.env.NETVET_REPORTS_DIR ?? 'reports';
const sharded = process.argv.some((arg) => arg === '--shard' || arg.startsWith('--shard='));

export default defineConfig<object, TargetOptions>({
  testDir: 'tests',
  timeout: 120_000,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  outputDir: `${reports}/test-results`,
  reporter: [
    // First: every reporter after it sees step titles and attachments with the run's passwords redacted.
    ['./lib/report/redaction-reporter.ts'],
    ['list'],
    ['allure-playwright', { resultsDir: `${reports}/allure-results`, detail: true, suiteTitle: false }],
    ['./lib/report/summary-reporter.ts'],
    ['./lib/report/catalog-reporter.ts'],
    // A shard (`--shard i/n`) also writes a blob report, which `netvet merge-reports` joins with the other shards'.
    ...(sharded ? [['blob', { outputDir: `${reports}/blob-report` }] as const] : []),
    // Recorded in the run ledger only when the run belongs to a build (NETVET_BUILD; NETVET_LEDGER names the ledger).
    ...(process.env.NETVET_BUILD ? [['./lib/report/ledger-reporter.ts'] as const] : []),
  ],
  projects: [
    { name: 'framework', testDir: 'tests/framework', timeout: 300_000 },
    { name: 'scenarios', testDir: 'tests/scenarios', grepInvert: /@(serial|perf)(\s|$)/ },
    // Scenarios that change the whole target (its encapsulation, say): one at a time, after the
    // `scenarios` project is done with the same target (`--project=serial --no-deps` runs them alone).
    { name: 'serial', testDir: 'tests/scenarios', grep: /@serial(\s|$)/, workers: 1, dependencies: ['scenarios'] },
    // The performance tier: alone on the target, with no project before it (Playwright runs a
    // dependency project whole whatever --grep says, and other tests beside a throughput test would
    // be measured too), so `--grep "@perf(\s|$)"` runs these and nothing else.
    { name: 'perf', testDir: 'tests/scenarios', grep: /@perf(\s|$)/, workers: 1, timeout: 600_000 },
    // The same scenarios built through OpenStack (Keystone, Neutron) on the OpenStack lab (`lab up --name ostack --profile topologies/labs/openstack.yaml`);
    // only when asked for by name, so `playwright test --grep @regression` needs no OpenStack lab.
    ...(openstackAsked
      ? // Every create is an API call and a status wait (servers through Nova too): twice the lab's time.
        [{ name: 'openstack', testDir: 'tests/scenarios', grepInvert: /@(serial|perf)(\s|$)/, timeout: 240_000, use: { driver: 'openstack', lab: 'ostack' } }]
      : []),
    // Built through vCenter (vcsim on the vCenter lab, `lab up --name vc --profile topologies/labs/vmware.yaml`): its own
    // scenarios (power, vMotion, faults) and the scenarios whose topologies vCenter builds (networks and VMs);
    // only when asked for by name, as `openstack`.
    ...(vmwareAsked
      ? [{ name: 'vmware', testDir: 'tests', testMatch: ['vmware/**/*.spec.ts', 'scenarios/{l2,l3,nat,tenancy,routes}/**/*.spec.ts'], grepInvert: /@serial(\s|$)/, timeout: 180_000, use: { driver: 'vmware', lab: 'vc' } }]
      : []),
    // The upgrade tier: pre, run, post in order, against one target, alone.
    { name: 'upgrade', testDir: 'tests/upgrade', workers: 1, timeout: 1_800_000 },
  ],
});
