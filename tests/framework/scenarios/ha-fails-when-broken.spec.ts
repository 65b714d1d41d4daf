import { expect } from '@playwright/test';
import { pollFor } from '../../../lib/sdn/ovn/cluster';
import { Faults } from '../../../lib/sdn/ovn/faults';
import { TargetHosts } from '../../../lib/target/hosts';
import { northdStatuses } from '../../../lib/sdn/ovn/control-plane';
import { runScenarios, test, vsctlOn, whenAppears, type FrameworkLab } from '../support/lab';
import { expectNoRows, named, rows } from '../support/northbound';

/**
 * The HA scenarios can fail. Each test runs one in a child Playwright beside an unrelated scenario,
 * against a lab of its own with two gateway chassis, breaks failover behind netvet's back once the
 * scenario has checked the lab's health and built its topology, and checks that the scenario fails
 * naming what broke while the unrelated one passes.
 */
test.use({ labProfile: 'topologies/labs/ha.yaml' });
test.describe.configure({ mode: 'serial' });

const UNRELATED = 'tests/scenarios/l2/same-network-two-chassis.spec.ts';
/** HA scenarios run in the `serial` project, the unrelated one in `lab`. */
const BOTH_PROJECTS = ['--project=serial', '--project=scenarios'];

/** The name of the scenario's router (`nv<run><worker><n>-r1`) once the scenario has built it. */
const builtRouter = async (lab: FrameworkLab) => named(await rows(lab, 'Logical_Router', 'name'), '-r1');

const expectNothingLeft = (lab: FrameworkLab) => expectNoRows(lab, 'Logical_Switch', 'Logical_Router', 'NAT');

test('northd failover scenario fails when the standby ovn-northd is not running', async ({ lab }) => {
  const hosts = new TargetHosts(lab.target);
  const outside = new Faults(hosts);
  try {
    const { done } = runScenarios([...BOTH_PROJECTS, 'tests/scenarios/ha/northd-active-killed.spec.ts', UNRELATED], lab.targetFile);
    await whenAppears(() => builtRouter(lab));
    const statuses = await northdStatuses(hosts);
    const standby = statuses.find((n) => n.status === 'standby');
    const active = statuses.find((n) => n.status === 'active')?.host;
    expect(standby && active, `the lab has an active and a standby ovn-northd: ${JSON.stringify(statuses)}`).toBeTruthy();
    await outside.kill(standby!.host, 'ovn-northd');
    // Once the scenario has killed the active one and its teardown started it again, the standby
    // comes back too, so the child's health check after the test passes and only the failover fails.
    await pollFor(async () => ((await northdStatuses(hosts)).find((n) => n.host === active)?.status === 'down' ? true : undefined), 60_000);
    await pollFor(async () => ((await northdStatuses(hosts)).find((n) => n.host === active)?.status !== 'down' ? true : undefined), 60_000);
    await outside.undoAll();
    const result = await done;
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toMatch(/no standby ovn-northd became active within 15 s after the active one on \w+ was killed/);
    expect(result.output).toMatch(/1 failed/);
    expect(result.output).toMatch(/1 passed/);
  } finally {
    await outside.undoAll();
    await hosts.close();
  }
  await expectNothingLeft(lab);
});

test('gateway failover scenario fails when the router has no backup gateway chassis', async ({ lab }) => {
  const { done } = runScenarios([...BOTH_PROJECTS, 'tests/scenarios/ha/gateway-failover.spec.ts', UNRELATED], lab.targetFile);
  const router = await whenAppears(() => builtRouter(lab));
  const gatewayPort = `${router}-gw`;
  const backups = await whenAppears(async () => {
    const chassis = (await lab.nbctl('lrp-get-gateway-chassis', gatewayPort).catch(() => '')).split('\n').filter(Boolean);
    return chassis.length > 1 ? chassis.slice(1).map((line) => line.trim().split(/\s+/)[0].replace(`${gatewayPort}-`, '')) : undefined;
  });
  for (const chassis of backups) await lab.nbctl('lrp-del-gateway-chassis', gatewayPort, chassis);
  const result = await done;
  expect(result.code, result.output).not.toBe(0);
  expect(result.output).toMatch(/the gateway port of r1 stayed on \w+ \(or on none\) for 20 s after \w+ went down/);
  expect(result.output).toMatch(/1 failed/);
  expect(result.output).toMatch(/1 passed/);
  await expectNothingLeft(lab);
});

test('ovn-controller restart scenario fails when the chassis clears its flows on reconnect', async ({ lab }) => {
  const computes = lab.target.hosts.filter((h) => h.roles.includes('compute'));
  const setWait = (value: string) =>
    Promise.all(computes.map((h) => vsctlOn(lab, h.name, 'set', 'open_vswitch', '.', `external_ids:ovn-ofctrl-wait-before-clear=${value}`)));
  await setWait('0');
  try {
    const result = await runScenarios([...BOTH_PROJECTS, 'tests/scenarios/ha/controller-restart.spec.ts', UNRELATED], lab.targetFile).done;
    expect(result.code, result.output).not.toBe(0);
    expect(result.output).toMatch(/vm1 -> vm2 \w+: \d+ of \d+ probes lost \(at most 0 allowed\)/);
    expect(result.output).toMatch(/1 failed/);
    expect(result.output).toMatch(/1 passed/);
  } finally {
    await setWait('1000');
  }
  await expectNothingLeft(lab);
});
