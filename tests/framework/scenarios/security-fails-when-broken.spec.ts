import { expect } from '@playwright/test';
import { readdir, readFile } from 'node:fs/promises';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';
import { deleteAcl, expectNoRows, findAcl, named, routerWith, rows } from '../support/northbound';

/**
 * The security group, tenancy, NAT and floating IP scenarios must be able to fail. Each test runs
 * one of them beside an unrelated scenario (the L3 router one) in a child Playwright against a lab
 * of its own, breaks that feature straight in the OVN northbound DB while the scenario builds, and
 * checks that the scenario fails with a message naming what broke while the unrelated one passes.
 */
test.describe.configure({ mode: 'serial' });

const UNRELATED = 'tests/scenarios/l3/router-between-networks.spec.ts';
const SCENARIOS = {
  egress: 'tests/scenarios/sg/egress-rules.spec.ts',
  statefulDeny: 'tests/scenarios/sg/stateful-default-deny.spec.ts',
  twoGroups: 'tests/scenarios/sg/two-groups-one-port.spec.ts',
  snatOff: 'tests/scenarios/nat/snat-disabled.spec.ts',
  remoteCidr: 'tests/scenarios/sg/remote-cidr-port-range.spec.ts',
  explicitRouter: 'tests/scenarios/tenancy/explicit-router.spec.ts',
  fipPool: 'tests/scenarios/fip/pool-allocation.spec.ts',
  tenants: 'tests/scenarios/tenancy/overlapping-cidrs-isolated.spec.ts',
  portForwarding: 'tests/scenarios/nat/port-forwarding.spec.ts',
  remoteFip: 'tests/scenarios/fip/remote-chassis.spec.ts',
};

const expectNothingLeft = (lab: FrameworkLab) => expectNoRows(lab, 'Logical_Switch', 'Logical_Router', 'Port_Group', 'Load_Balancer', 'Address_Set', 'NAT');

/** Runs `scenario` beside the unrelated one, breaking the lab with `breakIt` meanwhile; returns the output. */
async function brokenRun(lab: FrameworkLab, scenario: string, breakIt: () => Promise<void>): Promise<string> {
  const { done } = runScenarios([scenario, UNRELATED], lab.targetFile);
  // Should the break itself fail, the child still runs to its end and tears down what it built.
  const failedToBreak = await breakIt().then(
    () => undefined,
    (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
  );
  const result = await done;
  if (failedToBreak) throw failedToBreak;
  expect(result.code, result.output).not.toBe(0);
  expect(result.output, 'the broken scenario fails, the unrelated one passes').toMatch(/1 failed[\s\S]*1 passed/);
  expect(result.output).toContain(scenario.split('/').pop());
  await expectNothingLeft(lab);
  // Playwright colours expect's Expected/Received lines; the checks read the plain text.
  return result.output.replace(/\x1b\[[0-9;]*m/g, '');
}

test('control: the scenarios to break pass on an intact lab', async ({ lab }) => {
  const result = await runScenarios(Object.values(SCENARIOS), lab.targetFile).done;
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/10 passed/);
  await expectNothingLeft(lab);
});

test('egress rule scenario fails when the egress ACL is deleted', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.egress, async () => {
    await deleteAcl(lab, await whenAppears(() => findAcl(lab, (m) => m.includes('_egress_limited && ip4') && m.includes('tcp.dst == 5000'))));
  });
  expect(output).toMatch(/client -> server tcp\/5000: expected allow, observed deny/);
  expect(output).not.toMatch(/udp\/7: expected allow/);
});

test('default deny scenario fails when the responder of mute, which only deny cells reach, is killed', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.statefulDeny, async () => {
    // Where the lab's workloads keep their responder's PID file (lib/orchestrators/shared/workload.ts).
    const root = '/run/netvet/workloads';
    const pid = await whenAppears(async () => {
      const dir = (await readdir(root).catch(() => [])).find((d) => d.startsWith(`nv-${lab.name}-w-`) && d.endsWith('mute'));
      const pid = dir && (await readFile(`${root}/${dir}/responder.pid`, 'utf8').catch(() => '')).trim();
      return pid || undefined;
    });
    process.kill(Number(pid), 'SIGKILL');
  });
  // Every cell still looks right: only the liveness proof can tell.
  expect(output).toContain('cells as expected');
  expect(output).toMatch(/DEAD\s+mute tcp\/5000: does not answer itself/);
  expect(output).not.toMatch(/DEAD\s+client/);
});

test('two-groups scenario fails when the TCP/5000 ACL of the service group is deleted', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.twoGroups, async () => {
    await deleteAcl(lab, await whenAppears(() => findAcl(lab, (m) => m.includes('_service && ip4') && m.includes('tcp.dst == 5000'))));
  });
  // Both ports in the service group lose it; the ping group still admits ICMP.
  expect(output).toMatch(/client -> (both|service) tcp\/5000: expected allow, observed deny/);
  expect(output).not.toMatch(/icmp: expected allow/);
});

test('SNAT-disabled scenario fails when an SNAT rule appears on the router whose SNAT is off', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.snatOff, async () => {
    const [port, network] = await whenAppears(async () => (await rows(lab, 'Logical_Router_Port', 'name,networks')).map((r) => r.split(',')).find(([name]) => /^nv\w+-r-plain-gw$/.test(name)));
    await lab.nbctl('lr-nat-add', port.replace(/-gw$/, ''), 'snat', network.split('/')[0], '10.11.2.0/24');
  });
  expect(output).toMatch(/receives vm2's packets from vm2's own address|r-plain's address [\d.]+ must not appear/);
});

test('remote CIDR scenario fails when the TCP range rule admits every source', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.remoteCidr, async () => {
    const acl = await whenAppears(async () => {
      const { data } = JSON.parse(await lab.nbctl('--format=json', '--columns=_uuid,match', 'list', 'ACL')) as { data: Array<[[string, string], string]> };
      return data.find(([, match]) => match.includes('10.7.0.16/28') && match.includes('tcp.dst >= 23'));
    });
    await lab.nbctl('set', 'ACL', acl[0][1], `match=${JSON.stringify(acl[1].replace('10.7.0.16/28', '0.0.0.0/0'))}`);
  });
  expect(output).toMatch(/far -> server (http|tcp\/5000): expected deny, observed allow/);
  expect(output).not.toMatch(/(tcp\/7|tcp\/22): expected deny, observed allow/);
});

test('explicit router scenario fails when the router port on the shared network is deleted', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.explicitRouter, async () => {
    await lab.nbctl('lrp-del', await whenAppears(async () => named(await rows(lab, 'Logical_Router_Port', 'name'), '-bridge-red-net')));
  });
  expect(output).toMatch(/(blue1 -> red1|red1 -> blue1) (icmp|tcp\/5000): expected allow, observed deny/);
  expect(output).not.toMatch(/red2 (icmp|tcp\/5000): expected deny, observed allow/);
});

test('floating IP pool scenario fails when an unbound floating IP is bound to a workload behind netvet\'s back', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.fipPool, async () => {
    // The driver keeps each floating IP as a one-address set named <prefix>_fip_<name>.
    const fip = await whenAppears(async () => (await rows(lab, 'Address_Set', 'name,addresses')).find((r) => /^nv\w+_fip_fip_b,/.test(r))?.split(',')[1]);
    const vm2 = await whenAppears(async () => named(await rows(lab, 'Logical_Switch_Port', 'name'), 'vm2-0'));
    const router = await whenAppears(() => routerWith(lab, 'nat'));
    await lab.nbctl('lr-nat-add', router, 'dnat_and_snat', fip, (await lab.nbctl('lsp-get-addresses', vm2)).trim().split(' ')[1]);
  });
  expect(output).toMatch(/runner -> fip-b tcp\/5000: expected deny, observed allow/);
});

test('tenant isolation scenario fails when a workload port is moved into the other tenant\'s switch', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.tenants, async () => {
    const port = await whenAppears(async () => named(await rows(lab, 'Logical_Switch_Port', 'name'), 'red3-0'));
    const blue = named(await rows(lab, 'Logical_Switch', 'name'), 'blue-net')!;
    const addresses = (await lab.nbctl('lsp-get-addresses', port)).trim();
    await lab.nbctl('lsp-del', port, '--', 'lsp-add', blue, port, '--', 'lsp-set-addresses', port, addresses);
  });
  expect(output).toMatch(/blue2 -> red3 (icmp|tcp\/5000): expected deny, observed allow/);
  expect(output).not.toMatch(/blue2 -> (blue1|blue3)/);
});

test('port forwarding scenario fails when the port forwarding load balancer is deleted', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.portForwarding, async () => {
    const balancer = await whenAppears(async () => named(await rows(lab, 'Load_Balancer', 'name'), 'pf-floatingip-pf-tcp'));
    await lab.nbctl('lb-del', balancer);
  });
  // The scenario probes right after the balancer appears: whichever TCP port it reached first, a later one fails.
  expect(output).toMatch(/(tcp\/500[01]|http\/8080)[\s\S]*expected the flow to pass, but/);
});

test('floating IP scenario fails when the floating IP NAT leads to the wrong workload', async ({ lab }) => {
  const output = await brokenRun(lab, SCENARIOS.remoteFip, async () => {
    // Everything but the NAT is looked up first: the scenario probes right after it appears.
    const vm2 = await whenAppears(async () => named(await rows(lab, 'Logical_Switch_Port', 'name'), 'vm2-0'));
    const wrong = (await lab.nbctl('lsp-get-addresses', vm2)).trim().split(' ')[1];
    const nat = await whenAppears(async () => (await rows(lab, 'NAT', '_uuid,type')).find((l) => l.endsWith(',dnat_and_snat'))?.split(',')[0]);
    await lab.nbctl('set', 'NAT', nat, `logical_ip=${wrong}`);
  });
  // Inbound lands on vm2, or (had a probe passed before the break) vm1 leaves as the router, not the floating IP.
  expect(output).toMatch(/who answered, and the source it saw[\s\S]*Expected: "vm1 [\d.]+"\s+Received: "vm2 [\d.]+"|source ext1 saw from vm1/);
});
