import { expect } from '@playwright/test';
import { loadTarget } from '../../../lib/target/load';
import { run } from '../../../lib/util/exec';
import { labDirOf, labRange, leftovers, netvet, uniqueLabName } from '../support/cli';
import { breakDhcpBeforeLease } from '../support/dhcp-gate';
import { runScenarios, test, vsctlOn, whenAppears, type FrameworkLab } from '../support/lab';
import { expectNoRows, routerWith, rows } from '../support/northbound';

/**
 * The underlay, MTU and route scenarios can fail. Each test runs a scenario beside an unrelated one
 * in a child Playwright against a lab of its own, breaks the feature behind netvet's back (in the
 * OVN northbound DB, or on a chassis with `ip -n`) and checks that the scenario fails naming what
 * broke while the unrelated one passes. A control run first shows them all pass on the intact lab.
 */
test.use({ labProfile: 'topologies/labs/bond.yaml' });

const SCENARIOS = {
  l2: 'tests/scenarios/l2/same-network-two-chassis.spec.ts',
  separation: 'tests/scenarios/underlay/management-data-separation.spec.ts',
  bond: 'tests/scenarios/underlay/bonded-uplink.spec.ts',
  routed: 'tests/scenarios/underlay/routed-underlay.spec.ts',
  mtu: 'tests/scenarios/mtu/path-mtu.spec.ts',
  staticRoute: 'tests/scenarios/routes/vm-static-route.spec.ts',
  dhcp: 'tests/scenarios/routes/dhcp-classless-routes.spec.ts',
};

/** `ip` in a lab host's namespace, from the runner: behind netvet's back. */
const ipOn = (lab: FrameworkLab, host: string, ...args: string[]) => run(['ip', '-n', `nv-${lab.name}-${host}`, ...args]);

/**
 * Sets the MTU of a chassis' uplinks and of their ends in the lab's fabric (`<host>-<uplink>` in
 * `nv-<lab>-fabric`), as a switch port reconfigured under the hosts would be; returns the undo.
 */
async function setWireMtu(lab: FrameworkLab, host: string, mtu: number): Promise<() => Promise<void>> {
  const { uplinks } = lab.target.hosts.find((h) => h.name === host)!.data!;
  const mtuOf = async (netns: string, iface: string) => (JSON.parse((await run(['ip', '-n', netns, '-j', 'link', 'show', iface])).stdout) as Array<{ mtu: number }>)[0].mtu;
  const ends = uplinks.flatMap((uplink) => [{ netns: `nv-${lab.name}-${host}`, iface: uplink }, { netns: `nv-${lab.name}-fabric`, iface: `${host}-${uplink}` }]);
  const before = await Promise.all(ends.map((e) => mtuOf(e.netns, e.iface)));
  for (const e of ends) await run(['ip', '-n', e.netns, 'link', 'set', e.iface, 'mtu', String(mtu)]);
  return async () => {
    for (const [i, e] of ends.entries()) await run(['ip', '-n', e.netns, 'link', 'set', e.iface, 'mtu', String(before[i])]);
  };
}

const expectNothingLeft = (lab: FrameworkLab) => expectNoRows(lab, 'Logical_Switch', 'Logical_Router', 'DHCP_Options');

test('control: the underlay, MTU and route scenarios pass on an intact bond lab', async ({ lab }) => {
  const { separation, bond, mtu, staticRoute, dhcp } = SCENARIOS;
  const result = await runScenarios([separation, bond, mtu, staticRoute, dhcp], lab.targetFile).done;
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/5 passed/);
  await expectNothingLeft(lab);
});

test('VM static route scenario fails when the router static route is deleted', async ({ lab }) => {
  const { done } = runScenarios([SCENARIOS.staticRoute, SCENARIOS.l2], lab.targetFile);
  const router = await whenAppears(() => routerWith(lab, 'static_routes'));
  await lab.nbctl('lr-route-del', router, '192.168.200.0/24');
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/client -> far icmp: expected allow, observed deny/);
  expect(result.output).toMatch(/1 failed[\s\S]*1 passed/);
  await expectNothingLeft(lab);
});

test('DHCP scenario fails when the classless static route option is dropped from DHCP_Options', async ({ lab }) => {
  const { done } = runScenarios([SCENARIOS.dhcp, SCENARIOS.l2], lab.targetFile);
  // Dropped while no chassis answers DHCP (from the scenario's first switch on), so no lease can carry the route.
  await breakDhcpBeforeLease(lab, {
    started: () => whenAppears(async () => (await rows(lab, 'Logical_Switch', 'name')).find((name) => /^nv\w+-beyond$/.test(name))),
    workload: 'client1',
    breakIt: async () => {
      const options = await whenAppears(async () => (await rows(lab, 'DHCP_Options', '_uuid,options')).find((r) => r.includes('classless_static_route'))?.split(',')[0], 60_000);
      await lab.nbctl('remove', 'DHCP_Options', options, 'options', 'classless_static_route');
    },
  });
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/client1 has the default route and the pushed route/);
  expect(result.output).toMatch(/"destination": "192\.168\.200\.0\/24"/);
  expect(result.output).toMatch(/1 failed[\s\S]*1 passed/);
  await expectNothingLeft(lab);
});

// The MTU scenario's workloads sit on ch1 and ch2; the L2 one beside it uses the same chassis and small packets.
test('path MTU scenario fails when the fabric silently carries frames larger than the chassis\' tunnel interface allows', async ({ lab }) => {
  const underlay = Number((await ipOn(lab, 'ch1', '-j', 'link', 'show', lab.target.hosts.find((h) => h.name === 'ch1')!.data!.interface)).stdout.match(/"mtu":(\d+)/)![1]);
  const undo: Array<() => Promise<void>> = [];
  try {
    for (const host of ['ch1', 'ch2']) {
      const { interface: tunnel } = lab.target.hosts.find((h) => h.name === host)!.data!;
      // Pinned, or OVS would raise the bridge port to its members' new MTU and the hosts would tell the truth.
      await vsctlOn(lab, host, 'set', 'interface', tunnel, `mtu_request=${underlay}`);
      undo.push(() => vsctlOn(lab, host, 'remove', 'interface', tunnel, 'mtu_request', String(underlay)).then(() => undefined));
      undo.push(await setWireMtu(lab, host, underlay + 100));
    }
    const result = await runScenarios([SCENARIOS.mtu, SCENARIOS.l2], lab.targetFile).done;
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/leaves vm[12] and is dropped by the overlay[\s\S]*the overlay carried a packet one byte over its limit/);
    expect(result.output).toMatch(/1 failed[\s\S]*1 passed/);
  } finally {
    for (const step of undo.reverse()) await step();
  }
  await expectNothingLeft(lab);
});

test('path MTU scenario fails when a fabric port under ch2 is narrower than the underlay MTU the chassis use', async ({ lab }) => {
  const mtu = lab.target.workloads.mtu;
  // Narrower than a workload-MTU packet with its tunnel headers (at least 50 bytes), wide enough for small packets.
  const restore = await setWireMtu(lab, 'ch2', mtu + 40);
  try {
    const result = await runScenarios([SCENARIOS.mtu, SCENARIOS.l2], lab.targetFile).done;
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(new RegExp(`the workload MTU ${mtu} is configured and filled[\\s\\S]*${mtu - 28}\\(${mtu}\\) bytes of data[\\s\\S]*100% packet loss`));
    expect(result.output).toMatch(/1 failed[\s\S]*1 passed/);
  } finally {
    await restore();
  }
  await expectNothingLeft(lab);
});

test('bond scenario reports the outage when both bond members are down', async ({ lab }) => {
  const chassis = lab.target.hosts.find((h) => h.name === 'ch1')!;
  const [primary, backup] = chassis.data!.uplinks;
  // The backup member is down before the scenario starts; the scenario itself then takes the primary down.
  await ipOn(lab, 'ch1', 'link', 'set', backup, 'down');
  try {
    const result = await runScenarios([SCENARIOS.bond, SCENARIOS.l2], lab.targetFile).done;
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(new RegExp(`vm1 -> vm2 with ch1 ${primary} down\\s+expected the flow to pass, but`));
    expect(result.output).toMatch(/vm1 -> vm2 icmp every 20 ms: .* longest outage \d+ ms/);
    expect(result.output).toMatch(/outage of \d+ ms \(must stay below 1000 ms\)/);
    expect(result.output).toMatch(/1 failed[\s\S]*1 passed/);
  } finally {
    await ipOn(lab, 'ch1', 'link', 'set', backup, 'up');
  }
  await expectNothingLeft(lab);
});

// A worker has one lab; this test brings up a routed one of its own beside it.
test('routed underlay scenario fails when a chassis loses its route to the other data subnet', async () => {
  const name = uniqueLabName('ur');
  const up = await netvet(['lab', 'up', '--name', name, '--profile', 'topologies/labs/routed.yaml']);
  expect(up.code, up.stderr).toBe(0);
  const range = labRange(name);
  try {
    const targetFile = `${labDirOf(name)}/target.yaml`;
    const ch2 = (await loadTarget(targetFile)).hosts.find((h) => h.name === 'ch2')!;
    const otherSubnet = ch2.data!.address.replace(/\.\d+$/, '.0/24');
    const ip = (...args: string[]) => run(['ip', '-n', `nv-${name}-ch1`, ...args]);
    expect((await ip('route', 'show', otherSubnet)).stdout).toMatch(/via/);
    await ip('route', 'del', otherSubnet);
    // The DHCP scenario's workloads land on ch1, ch2 and ch3 in turn and talk only within ch1's data subnet.
    const result = await runScenarios([SCENARIOS.routed, SCENARIOS.dhcp], targetFile).done;
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/from ch1, ch2's tunnel endpoint is routed/);
    expect(result.output).toContain(`route get ${ch2.data!.address}' failed`);
    expect(result.output).toMatch(/Network is unreachable/);
    expect(result.output).toMatch(/1 failed[\s\S]*1 passed/);
  } finally {
    await netvet(['lab', 'down', '--name', name]);
  }
  expect(await leftovers(name, range)).toEqual([]);
});
