import { expect } from '@playwright/test';
import { TargetHosts } from '../../../lib/target/hosts';
import { run } from '../../../lib/util/exec';
import { netvet } from '../support/cli';
import { runScenarios, test, whenAppears } from '../support/lab';

/**
 * A run killed halfway (SIGKILL, no teardown) leaves its deployment on the target; `netvet cleanup`
 * removes all of it: OVN rows, workload namespaces and their processes, OVS ports, the journal.
 */
test('netvet cleanup removes what a SIGKILLed run left', async ({ lab }) => {
  const { done, pid } = runScenarios(['tests/scenarios/fip/associate-move.spec.ts'], lab.targetFile);
  const workloadNamespaces = async () => (await run(['ip', 'netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`nv-${lab.name}-w-`));
  // Kill once both workloads run and the floating IP exists: the middle of the scenario.
  await whenAppears(async () => ((await workloadNamespaces()).length >= 2 && (await lab.nbctl('--bare', '--columns=type', 'list', 'NAT')).includes('dnat_and_snat') ? true : undefined));
  process.kill(-pid, 'SIGKILL');
  await done;
  expect((await workloadNamespaces()).length).toBeGreaterThanOrEqual(2);

  const cleanup = await netvet(['cleanup']);
  expect(cleanup.code, cleanup.stderr).toBe(0);
  expect(cleanup.stdout).toMatch(/removed nv\w+- \(run \d+ is gone\)\n/);

  expect(await workloadNamespaces()).toEqual([]);
  for (const table of ['Logical_Switch', 'Logical_Router', 'Port_Group', 'NAT', 'DHCP_Options']) {
    expect(await lab.nbctl('--bare', '--columns=_uuid', 'list', table), table).toBe('');
  }
  for (const host of lab.target.hosts.filter((h) => h.integrationBridge)) {
    const ports = await run(['ovs-vsctl', 'list-ports', 'br-int'], { netns: `nv-${lab.name}-${host.name}`, env: { ...process.env, OVS_RUNDIR: `/var/lib/netvet/labs/${lab.name}/${host.name}` } });
    expect(ports.stdout.split('\n').filter((p) => p.startsWith('tap')), `OVS ports on ${host.name}`).toEqual([]);
  }
  expect((await netvet(['cleanup', '--dry-run'])).stdout).not.toContain('run');
});

/**
 * A run killed while it switches the encapsulation (NV-ENCAP-002 to VXLAN) leaves the chassis
 * switched; `netvet cleanup` puts back each chassis' own setting: in its Open vSwitch database
 * (read over SSH) and in what it announces in the southbound Encap table. The record goes with it.
 */
test('netvet cleanup restores the encapsulation a SIGKILLed run switched', async ({ lab }) => {
  const chassis = lab.target.hosts.filter((h) => h.integrationBridge && h.data).map((h) => h.name);
  const original = lab.target.encapsulation.current;
  const announced = async () => (await run(['ovn-sbctl', `--db=${lab.target.ovn!.southbound}`, '--bare', '--columns=type', 'list', 'Encap'])).stdout.split(/\s+/).filter(Boolean).sort();
  const hosts = new TargetHosts(lab.target);
  const settings = () => Promise.all(chassis.map(async (c) => (await hosts.shell(c).exec(['ovs-vsctl', 'get', 'open_vswitch', '.', 'external_ids:ovn-encap-type'])).stdout.trim()));
  try {
    const { done, pid } = runScenarios(['--project=serial', 'tests/scenarios/encap/vxlan.spec.ts'], lab.targetFile);
    // Kill once the first chassis announces VXLAN: the switch is under way, not yet confirmed.
    await whenAppears(async () => ((await announced()).includes('vxlan') ? true : undefined));
    process.kill(-pid, 'SIGKILL');
    await done;
    expect(await settings()).toContain('vxlan');

    const dryRun = await netvet(['cleanup', '--dry-run']);
    expect(dryRun.stdout).toMatch(new RegExp(`would restore the encapsulation of ${chassis.map((c) => `${c}=${original}`).join(' ')} on target '${lab.target.name}' \\(run \\d+ is gone\\)`));
    const cleanup = await netvet(['cleanup']);
    expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toMatch(new RegExp(`restored the encapsulation of .* on target '${lab.target.name}' \\(run \\d+ is gone\\)`));

    expect(await settings()).toEqual(chassis.map(() => original));
    expect(await announced()).toEqual(chassis.map(() => original));
    expect((await netvet(['cleanup', '--dry-run'])).stdout).not.toContain('encapsulation');
  } finally {
    await hosts.close();
  }
});
