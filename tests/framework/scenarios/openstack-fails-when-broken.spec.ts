import { expect } from '@playwright/test';
import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';
import { deleteAcl, findAcl } from '../support/northbound';
import { adminNeutron, openstackLeftovers } from '../support/openstack';
import type { Network } from '../../../lib/orchestrators/openstack/neutron';
import { withTarget } from '../../../lib/orchestrators/lifecycle';
import { labDirOf } from '../support/cli';
import { filesSince, secretsIn } from '../support/secrets';

// Where the child run's Allure results go: the config's, which the child reads from the same environment.
const ALLURE_RESULTS = `${process.env.NETVET_REPORTS_DIR ?? 'reports'}/allure-results`;

/**
 * The scenarios through OpenStack, on an OpenStack lab of their own (Keystone, Neutron ML2/OVN,
 * Horizon): the sanity tier and the GUI scenarios pass (those needing what Neutron does not model
 * skip with the reason), and a security group rule Neutron wrote into OVN, deleted behind
 * Neutron's back, fails the security group scenario on exactly that flow while an unrelated
 * scenario in the same run passes; a CIDR the GUI subnet scenario is about to type, taken behind its
 * back, fails it with Horizon's refusal while the login scenario passes. Nothing of the runs is left
 * in Keystone, Neutron or OVN.
 */
// Child runs of whole tiers through OpenStack: minutes each on a busy 2-core machine.
test.describe.configure({ mode: 'serial', timeout: 600_000 });
test.use({ labProfile: 'topologies/labs/openstack.yaml' });

/** Nothing of the child's runs is left in Nova, Keystone, Neutron, OVN or on the hosts; only the external network the lab made stays. */
const expectNothingLeft = async (lab: FrameworkLab) => expect(await openstackLeftovers(lab, 'nv')).toEqual([]);

test('control: the sanity tier and the GUI scenarios pass through OpenStack; no password or session cookie in their reports', async ({ lab }) => {
  const started = Date.now();
  // With the reporters a user's run has: the redaction first, then Allure into reports/allure-results.
  const { done } = runScenarios(['--grep', '@sanity(\\s|$)|@gui(\\s|$)'], lab.targetFile, {}, 'openstack', null);
  const result = await done;
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/[1-9]\d* passed, 0 failed/);
  await expectNothingLeft(lab);

  // The child inherits this run's password prefix: every tenant password it made starts with it.
  // Its Allure results (traces of the GUI scenarios among them) hold none, and no session cookie.
  const reported = filesSince(ALLURE_RESULTS, started);
  const passwords = new RegExp(`${process.env.NETVET_RUN_SECRET}[0-9a-f]+`);
  expect(secretsIn(reported, [passwords, /sessionid=[A-Za-z0-9]/])).toEqual([]);
  // The logins did type passwords: the steps that did show them masked, and traces were kept.
  expect(reported.some((f) => f.endsWith('-result.json') && /"name":"Fill \\"\*{36}/.test(readFileSync(f, 'utf8'))), 'a login step with its password masked').toBe(true);
  expect(reported.some((f) => f.endsWith('.zip')), 'a trace among the attachments').toBe(true);
});

test("the OpenStack driver reports the API versions Keystone and Neutron announce, for the report's environment", async ({ lab }) => {
  expect(await withTarget(lab.targetFile, ({ orchestrator }) => orchestrator.versions!(), 'openstack')).toEqual({
    keystone: expect.stringMatching(/^v3\.\d+$/),
    neutron: 'v2.0',
  });
});

test("the lab's OpenStack files: the admin password only in files of the owner's, and in no log", ({ lab }) => {
  const admin = (parse(readFileSync(lab.target.openstack!.cloudsYaml!, 'utf8')) as { clouds: Record<string, { auth: { password: string } }> }).clouds[lab.target.openstack!.cloud!].auth.password;
  const files = filesSince(labDirOf(lab.name), 0);
  const holding = secretsIn(files, [admin]).map((f) => f.where);
  expect(holding.length, 'files that hold the admin password (clouds.yaml, keystone.conf at least)').toBeGreaterThan(0);
  expect(holding.filter((f) => (statSync(f).mode & 0o077) !== 0), 'readable by others than root').toEqual([]);
  expect(holding.filter((f) => f.endsWith('.log')), 'logs').toEqual([]);
});

test("security group scenario fails when the ICMP ACL Neutron wrote is deleted behind Neutron's back", async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/sg/remote-group.spec.ts', 'tests/scenarios/l3/router-between-networks.spec.ts'], lab.targetFile, {}, 'openstack');
  // Neutron writes each rule as an ACL on the group's port group `pg_<id>`; the ICMP rule names its remote group's address set.
  const acl = await whenAppears(() => findAcl(lab, (match) => match.includes('icmp4') && match.includes('ip4.src == $pg_')), 120_000);
  await deleteAcl(lab, acl);
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/client -> server icmp: expected allow, observed deny/);
  expect(result.output).not.toMatch(/tcp\/22: expected allow/);
  expect(result.output).toMatch(/1 failed[\s\S]*remote-group[\s\S]*1 passed/);
  await expectNothingLeft(lab);
});

test('GUI subnet scenario fails with Horizon\'s refusal when the CIDR it types is taken behind its back', async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/gui/subnets.spec.ts', 'tests/scenarios/gui/login.spec.ts'], lab.targetFile, {}, 'openstack');
  const neutron = adminNeutron(lab);
  // Both scenarios build a net1: as soon as each exists (long before its browser logs in), an admin adds
  // the subnet the subnet scenario will type; the login scenario never types one.
  let finished = false;
  const taken = new Set<string>();
  const result = done.finally(() => (finished = true));
  while (!finished) {
    for (const net of (await neutron.list<Network>('network')).filter((n) => /^nv\w+-net1$/.test(n.name) && !taken.has(n.id))) {
      taken.add(net.id);
      await neutron.create('subnet', { name: `${net.name}-taken`, network_id: net.id, project_id: net.project_id, ip_version: 4, cidr: '10.60.1.0/24' });
    }
    await Promise.race([result, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
  const { code, output } = await result;
  expect(taken.size, 'net1 of both scenarios seen').toBe(2);
  expect(code).not.toBe(0);
  expect(output).toMatch(/Horizon refused: .*Failed to create subnet "10\.60\.1\.0\/24"/);
  expect(output).toMatch(/1 failed[\s\S]*gui\/subnets[\s\S]*1 passed/);
  await expectNothingLeft(lab);
});
