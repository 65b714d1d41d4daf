import { expect } from '@playwright/test';
import { run } from '../../../lib/util/exec';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';

/**
 * The scenarios through OpenStack, on an OpenStack lab of their own (Keystone, Neutron ML2/OVN,
 * Horizon): the sanity tier and the GUI scenarios pass (those needing what Neutron does not model
 * skip with the reason), and a security group rule Neutron wrote into OVN, deleted behind
 * Neutron's back, fails the security group scenario on exactly that flow while an unrelated
 * scenario in the same run passes. Nothing of the runs is left in Keystone, Neutron or OVN.
 */
test.describe.configure({ mode: 'serial' });
test.use({ labProfile: 'topologies/labs/openstack.yaml' });

async function expectNothingLeft(lab: FrameworkLab): Promise<void> {
  const cloud = { ...process.env, OS_CLIENT_CONFIG_FILE: lab.target.openstack!.cloudsYaml, OS_CLOUD: lab.target.openstack!.cloud };
  const projects = await run(['openstack', 'project', 'list', '-f', 'value', '-c', 'Name'], { env: cloud, timeoutMs: 60_000 });
  expect(projects.stdout.split('\n').filter((p) => p.startsWith('nv'))).toEqual([]);
  const switches = (await lab.nbctl('--format=csv', '--no-headings', '--data=bare', '--columns=external_ids', 'list', 'Logical_Switch')).split('\n').filter(Boolean);
  // Only the external network the lab made is left.
  expect(switches.filter((ids) => !ids.includes('neutron:network_name=public'))).toEqual([]);
}

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
  const acl = await whenAppears(async () => {
    const { data } = JSON.parse(await lab.nbctl('--format=json', '--columns=direction,priority,match', 'list', 'ACL')) as { data: Array<[string, number, string]> };
    return data.find(([, , match]) => match.includes('icmp4') && match.includes('ip4.src == $pg_'));
  }, 120_000);
  const [direction, priority, match] = acl.map(String);
  await lab.nbctl('acl-del', match.split(' ')[2].slice(1), direction, priority, match);
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/client -> server icmp: expected allow, observed deny/);
  expect(result.output).not.toMatch(/tcp\/22: expected allow/);
  expect(result.output).toMatch(/1 failed[\s\S]*remote-group[\s\S]*1 passed/);
  await expectNothingLeft(lab);
});
