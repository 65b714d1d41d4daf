import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { run } from '../../../lib/util/exec';
import { netvet } from '../support/cli';

/**
 * `netvet risk` on a sample product repository (made here with git): the changed files of a branch
 * -> components of its risk.yaml -> tiers, each with its reasons, and the Playwright commands:
 * - a datapath change asks for the critical tiers, a GUI string change for sanity and GUI only;
 * - a file or package no component claims asks for every tier, and says so; packages map like paths;
 * - a malformed risk.yaml and an unknown ref are located, with the fix.
 */

const RISK = fileURLToPath(new URL('../fixtures/risk/risk.yaml', import.meta.url));
let repo: string;

const git = (...args: string[]) => run(['git', '-C', repo, '-c', 'user.name=netvet', '-c', 'user.email=netvet@example.invalid', ...args]);
async function branchWith(branch: string, files: Record<string, string>) {
  await git('checkout', '-q', '-b', branch, 'main');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    writeFileSync(join(repo, file), text);
  }
  await git('add', '-A');
  await git('commit', '-q', '-m', branch);
}

test.beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'netvet-product-'));
  await run(['git', 'init', '-q', '-b', 'main', repo]);
  copyFileSync(RISK, join(repo, 'risk.yaml'));
  writeFileSync(join(repo, 'README.md'), 'product\n');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'base');
  await branchWith('datapath-fix', { 'datapath/flow.c': 'int flow;\n', 'lib/odp-util.c': 'int odp;\n' });
  await branchWith('gui-string', { 'gui/templates/networks.html': '<h1>Networks</h1>\n' });
  await branchWith('mystery', { 'gui/app.js': 'x\n', 'build/Makefile.am': 'all:\n' });
});
test.afterAll(() => rmSync(repo, { recursive: true, force: true }));

test('a datapath change asks for far more tiers than a GUI string change, each with its reasons', async () => {
  const datapath = await netvet(['risk', '--base', 'main', '--head', 'datapath-fix', '--repo', repo]);
  expect(datapath.code, datapath.stderr).toBe(0);
  expect(datapath.stdout).toBe(
    [
      `main...datapath-fix in ${repo}: 2 changes, feature release`,
      '  ovs-datapath (layer datapath, blast radius critical) -> @sanity @regression @perf @scale @upgrade @ha',
      '      datapath/flow.c',
      '      lib/odp-util.c',
      'required tiers: @sanity @regression @perf @scale @upgrade @ha',
      'run:',
      '  npx playwright test --project=scenarios --grep "(@sanity|@regression|@perf|@scale|@ha)(\\s|$)"',
      '  npx playwright test --project=serial --no-deps --grep "(@sanity|@regression|@perf|@scale|@ha)(\\s|$)"',
      '  npx playwright test --project=upgrade',
      '',
    ].join('\n'),
  );
  const gui = await netvet(['risk', '--base', 'main', '--head', 'gui-string', '--repo', repo]);
  expect(gui.code, gui.stderr).toBe(0);
  expect(gui.stdout).toBe(
    [
      `main...gui-string in ${repo}: 1 change, feature release`,
      '  dashboard (layer gui, blast radius low) -> @sanity @gui',
      '      gui/templates/networks.html',
      'required tiers: @sanity @gui',
      'run:',
      '  npx playwright test --project=scenarios --grep "(@sanity|@gui)(\\s|$)"',
      '  npx playwright test --project=serial --no-deps --grep "(@sanity|@gui)(\\s|$)"',
      '',
    ].join('\n'),
  );
  // A hotfix of the same datapath change asks for less than a feature, more than the GUI change.
  const hotfix = await netvet(['risk', '--base', 'main', '--head', 'datapath-fix', '--repo', repo, '--release', 'hotfix', '--json']);
  expect(JSON.parse(hotfix.stdout)).toMatchObject({ release: 'hotfix', tiers: ['@sanity', '@regression', '@ha'] });
});

test('a file or package no component claims asks for every tier, and says so', async () => {
  const mystery = await netvet(['risk', '--base', 'main', '--head', 'mystery', '--repo', repo]);
  expect(mystery.code, mystery.stderr).toBe(0);
  expect(mystery.stdout).toContain('  unmapped: no component of risk.yaml claims this change, so every tier is required -> @sanity @regression @perf @scale @upgrade @ha @gui\n      build/Makefile.am\n');
  expect(mystery.stdout).toContain('required tiers: @sanity @regression @perf @scale @upgrade @ha @gui\n');
  // A release of packages rather than a branch: each package to its component, an unknown one to everything.
  const packages = await netvet(['risk', '--packages', 'sdn-dashboard,libunbound8', '--repo', repo, '--release', 'security']);
  expect(packages.code, packages.stderr).toBe(0);
  expect(packages.stdout).toContain('packages sdn-dashboard, libunbound8: 2 changes, security release\n');
  expect(packages.stdout).toContain('  dashboard (layer gui, blast radius low) -> @sanity\n      package sdn-dashboard\n');
  expect(packages.stdout).toContain('  unmapped: no component of risk.yaml claims this change, so every tier is required -> @sanity @regression @perf @scale @upgrade @ha @gui\n      package libunbound8\n');
  const datapathPackage = await netvet(['risk', '--packages', 'openvswitch-switch', '--repo', repo, '--json']);
  expect(JSON.parse(datapathPackage.stdout)).toMatchObject({ reasons: [{ component: 'ovs-datapath', files: ['package openvswitch-switch'] }] });
  const noChange = await netvet(['risk', '--repo', repo]);
  expect(noChange.code).toBe(2);
  expect(noChange.stderr).toContain('netvet: netvet risk needs a change\n  fix: give --base REF');
});

test('a malformed risk.yaml and an unknown ref are located, with the fix', async () => {
  const bad = join(repo, 'bad-risk.yaml');
  writeFileSync(
    bad,
    [
      'components:',
      "  - { name: dp, paths: ['datapath/**'], layer: datapth, blastRadius: critical }",
      "  - { name: ui, paths: ['gui/**'], layer: gui, blastRadius: low }",
      'policy:',
      "  critical: { feature: ['@nightly'], security: [], hotfix: [] }",
      '',
    ].join('\n'),
  );
  const malformed = await netvet(['risk', '--base', 'main', '--repo', repo, '--risk', bad]);
  expect(malformed.code).toBe(2);
  expect(malformed.stderr).toBe(
    [
      `netvet: ${bad}:2:48: components[0].layer: 'datapth' is not one of: datapath, control-plane, config-schema, upgrade-path, orchestrator-plugin, gui`,
      "  fix: did you mean 'datapath'?",
      `${bad}:5:25: policy.critical.feature[0]: '@nightly' is not one of: @sanity, @regression, @perf, @scale, @upgrade, @ha, @gui`,
      '  fix: use one of: @sanity, @regression, @perf, @scale, @upgrade, @ha, @gui',
      '',
    ].join('\n'),
  );
  // Once the rest is right: a component whose blast radius the policy leaves out.
  writeFileSync(bad, "components:\n  - { name: ui, paths: ['gui/**'], layer: gui, blastRadius: low }\npolicy:\n  critical: { feature: [], security: [], hotfix: [] }\n");
  const noRow = await netvet(['risk', '--base', 'main', '--repo', repo, '--risk', bad]);
  expect(noRow.code).toBe(2);
  expect(noRow.stderr).toMatch(new RegExp(`^netvet: ${bad}:2:61: components\\[0\\]\\.blastRadius: the policy has no row for blast radius 'low'\n {2}fix: how far a change here reaches; the policy needs a row of that name`));
  const unknownRef = await netvet(['risk', '--base', 'release-9', '--repo', repo]);
  expect(unknownRef.code).toBe(2);
  expect(unknownRef.stderr).toBe(`netvet: --base: --base release-9: no such commit in ${repo}\n  fix: name a branch, tag or commit of that repository (\`git -C ${repo} log --oneline\` lists them; fetch it first if it is remote)\n`);
});
