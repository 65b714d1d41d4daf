import { expect } from '@playwright/test';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';
import { deleteAcl, findAcl } from '../support/northbound';
import { openstackLeftovers } from '../support/openstack';

/**
 * The scenarios through OpenStack, on an OpenStack lab of their own (Keystone, Neutron ML2/OVN,
 * Horizon): the sanity tier and the GUI scenarios pass (those needing what Neutron does not model
 * skip with the reason), and a security group rule Neutron wrote into OVN, deleted behind
 * Neutron's back, fails the security group scenario on exactly that flow while an unrelated
 * scenario in the same run passes. Nothing of the runs is left in Keystone, Neutron or OVN.
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
