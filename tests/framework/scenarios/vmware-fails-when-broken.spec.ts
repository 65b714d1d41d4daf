import { expect } from '@playwright/test';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';
import { vmwareLeftovers } from '../support/vmware';

/**
 * The scenarios through vCenter, on a vCenter lab of their own (vcsim with the compute chassis as
 * ESXi hosts, the lab's vCenter plugin wiring VMs into OVN, routers through the SDN beside it): the
 * `vmware` project's sanity tier passes; the logical port the plugin made for a VM's NIC, deleted behind netvet's back as soon as
 * it is made, fails the L2 scenario's build naming the VM the SDN did not wire, while the power
 * scenario after it in the same run passes. Nothing of the runs is left in vCenter, OVN or on the hosts.
 */
// Child runs through vCenter: a minute or two each on a busy 2-core machine.
test.describe.configure({ mode: 'serial', timeout: 300_000 });
test.use({ labProfile: 'topologies/labs/vmware.yaml' });

const expectNothingLeft = async (lab: FrameworkLab) => expect(await vmwareLeftovers(lab, 'nv')).toEqual([]);

test('control: the sanity tier passes through vCenter', async ({ lab }) => {
  const { done } = runScenarios(['--grep', '@sanity(\\s|$)'], lab.targetFile, {}, 'vmware');
  const result = await done;
  expect(result.code, result.output).toBe(0);
  // L2, L3 and SNAT (routers through the SDN beside vCenter), tenancy, power off/on.
  expect(result.output).toMatch(/5 passed/);
  await expectNothingLeft(lab);
});

test("L2 scenario fails when the VM's logical port the vCenter plugin made is deleted behind its back", async ({ lab }) => {
  // One worker runs the files in order: the L2 scenario's vm2 is the first VM wired. The port is
  // deleted as soon as the plugin makes it, long before the VM's namespace is plugged and the port up.
  const { done } = runScenarios(['tests/scenarios/l2/same-network-two-chassis.spec.ts', 'tests/vmware/power-off-on.spec.ts'], lab.targetFile, {}, 'vmware');
  const port = await whenAppears(async () => {
    const names = (await lab.nbctl('--format=csv', '--no-headings', '--data=bare', '--columns=name', 'list', 'Logical_Switch_Port')).split('\n');
    return names.find((name) => /^nv\w+-vm2-0$/.test(name));
  }, 120_000);
  await lab.nbctl('lsp-del', port);
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(new RegExp(`the SDN beside vCenter did not follow within \\d+ s: no workload namespace of VM ${port.replace(/-0$/, '')} on ch\\d with its ports up`));
  expect(result.output).toMatch(/1 failed[\s\S]*same-network-two-chassis[\s\S]*1 passed/);
  await expectNothingLeft(lab);
});
