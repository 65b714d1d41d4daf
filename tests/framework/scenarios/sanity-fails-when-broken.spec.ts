import { expect } from '@playwright/test';
import { runScenarios, setChassisEncap, test, whenAppears, type FrameworkLab } from '../support/lab';
import { deleteAcl, expectNoRows, findAcl, named, routerWith, rows } from '../support/northbound';

/**
 * Every sanity scenario must be able to fail. Each test runs one scenario in a child Playwright
 * against a lab of its own, breaks the network behind netvet's back (straight in the OVN
 * northbound DB, or on the chassis) and checks that the scenario fails with a message that names
 * what broke. A control run first shows the same scenarios pass on the intact lab.
 */
test.describe.configure({ mode: 'serial' });

const expectNothingLeft = (lab: FrameworkLab) => expectNoRows(lab, 'Logical_Switch', 'Logical_Router', 'Port_Group');

test('control: the sanity tier passes on an intact lab', async ({ lab }) => {
  const { done } = runScenarios(['--grep', '@sanity(\\s|$)'], lab.targetFile);
  const result = await done;
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/\d+ passed/);
  expect(result.output).not.toMatch(/\d+ failed/);
  await expectNothingLeft(lab);
});

test('L3 scenario fails when the router port is deleted', async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/l3/router-between-networks.spec.ts'], lab.targetFile);
  const port = await whenAppears(async () => named(await rows(lab, 'Logical_Router_Port', 'name'), '-r1-net2'));
  await lab.nbctl('lrp-del', port);
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('reachability differs from the expectation');
  expect(result.output).toMatch(/vm1 -> vm2 icmp: expected allow, observed deny/);
  expect(result.output).toMatch(/repro: \[ns:\S+vm1@root@[\d.]+\] 'ping'/);
  await expectNothingLeft(lab);
});

test('security group scenario fails when the ICMP ACL is deleted', async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/sg/remote-group.spec.ts'], lab.targetFile);
  await deleteAcl(lab, await whenAppears(() => findAcl(lab, (m) => m.includes('_web && ip4') && m.includes('icmp4'))));
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/client -> server icmp: expected allow, observed deny/);
  expect(result.output).not.toMatch(/tcp\/22: expected allow/);
  await expectNothingLeft(lab);
});

test('SNAT scenario fails when the SNAT rule is deleted', async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/nat/snat.spec.ts'], lab.targetFile);
  const router = await whenAppears(() => routerWith(lab, 'nat'));
  await lab.nbctl('lr-nat-del', router, 'snat');
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/expected the flow to pass, but: timeout/);
  await expectNothingLeft(lab);
});

test('floating IP scenario fails when the floating IP NAT is deleted', async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/fip/associate-move.spec.ts'], lab.targetFile);
  const router = await whenAppears(async () => named(await rows(lab, 'Logical_Router', 'name'), '-r1'));
  // Keep deleting the floating IP's NAT rule until the run ends: the scenario races nothing.
  let finished = false;
  const result = await Promise.race([
    done.finally(() => (finished = true)),
    (async () => {
      while (!finished) await lab.nbctl('--if-exists', 'lr-nat-del', router, 'dnat_and_snat').catch(() => undefined);
      return done;
    })(),
  ]);
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/lands on vm1/);
  expect(result.output).toMatch(/expected the flow to pass, but/);
  await expectNothingLeft(lab);
});

test('L2 scenario fails when the chassis tunnel with another encapsulation than the target declares', async ({ lab }) => {
  const chassis = lab.target.hosts.filter((h) => h.data);
  const setEncap = (encap: string) => Promise.all(chassis.map((h) => setChassisEncap(lab, h.name, encap)));
  await setEncap('vxlan');
  try {
    const result = await runScenarios(['tests/scenarios/l2/same-network-two-chassis.spec.ts'], lab.targetFile).done;
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/the underlay carries it as geneve/);
    expect(result.output).toMatch(/packets? in vxlan VNI \d+ between ch1/);
  } finally {
    await setEncap('geneve');
  }
  await expectNothingLeft(lab);
});
