import { expect } from '@playwright/test';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';
import { deleteAcl, findAcl } from '../support/northbound';
import { adminNeutron, openstackLeftovers } from '../support/openstack';
import type { Network } from '../../../lib/orchestrators/openstack/neutron';

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

test('control: the sanity tier and the GUI scenarios pass through OpenStack', async ({ lab }) => {
  const { done } = runScenarios(['--grep', '@sanity(\\s|$)|@gui(\\s|$)'], lab.targetFile, {}, 'openstack');
  const result = await done;
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/\d+ passed/);
  expect(result.output).not.toMatch(/\d+ failed/);
  await expectNothingLeft(lab);
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
