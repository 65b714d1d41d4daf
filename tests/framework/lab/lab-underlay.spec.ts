import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadTarget } from '../../../lib/target/load';
import { TargetHosts } from '../../../lib/target/hosts';
import type { ExecResult } from '../../../lib/util/exec';
import { leftovers, netvet, uniqueLabName, withOwnLab } from '../support/cli';
import { runScenarios } from '../support/lab';

/**
 * The underlay profiles: each lab comes up healthy with the wiring its profile asks for, runs its
 * scenarios, and `lab down` leaves nothing behind.
 */
const subnet = (address: string) => address.replace(/\.\d+$/, '.0/24');

interface Status {
  running: boolean;
  health: { chassis: Array<{ host: string; registered: boolean }>; ssh: Array<{ host: string; reachable: boolean }> };
}

/** The lab's health as `lab status` tells it; records how long `lab up` took. */
async function healthy(name: string, profile: string, up: ExecResult): Promise<Status> {
  test.info().annotations.push({ type: 'measured', description: (/is up in [\d.]+ s/.exec(up.stdout) ?? [up.stdout])[0] + ` (${profile})` });
  const status = await netvet(['lab', 'status', '--name', name, '--json']);
  expect(status.code, status.stdout).toBe(0);
  return JSON.parse(status.stdout) as Status;
}

test('routed profile: chassis in two data subnets joined by rt1, which runs sshd; its scenarios pass', async () => {
  const profile = 'topologies/labs/routed.yaml';
  await withOwnLab('rt', profile, async ({ name, targetFile, up }) => {
    const status = await healthy(name, profile, up);
    expect(status.health.chassis.filter((c) => c.registered).map((c) => c.host)).toEqual(['ch1', 'ch2', 'ch3']);
    expect(status.health.ssh.find((s) => s.host === 'rt1')?.reachable).toBe(true);

    const target = await loadTarget(targetFile);
    expect(target.capabilities).toEqual(expect.arrayContaining(['underlay:routed', 'underlay:separate']));
    expect(target.hosts.find((h) => h.name === 'rt1')?.roles).toEqual(['router']);
    const data = (host: string) => target.hosts.find((h) => h.name === host)!.data!.address;
    expect(subnet(data('ch1'))).toBe(subnet(data('ch3')));
    expect(subnet(data('ch1'))).not.toBe(subnet(data('ch2')));

    const result = await runScenarios(['tests/scenarios/underlay/routed-underlay.spec.ts', 'tests/scenarios/underlay/management-data-separation.spec.ts'], targetFile).done;
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('2 passed');
  });
});

test('bond profile: every chassis uplink an OVS active-backup bond of two links; its scenarios pass', async () => {
  const profile = 'topologies/labs/bond.yaml';
  await withOwnLab('bd', profile, async ({ name, targetFile, up }) => {
    const status = await healthy(name, profile, up);
    expect(status.running).toBe(true);

    const target = await loadTarget(targetFile);
    expect(target.capabilities).toContain('underlay:bond');
    const hosts = new TargetHosts(target);
    try {
      for (const chassis of target.hosts.filter((h) => h.data)) {
        expect(chassis.data!.uplinks, chassis.name).toEqual(['eth0', 'eth3']);
        const bond = (await hosts.shell(chassis.name).exec(['ovs-appctl', 'bond/show'])).stdout;
        expect(bond, chassis.name).toMatch(/bond_mode: active-backup/);
        expect(bond.match(/member eth[03]: enabled/g), chassis.name).toHaveLength(2);
      }
    } finally {
      await hosts.close();
    }

    const result = await runScenarios(['tests/scenarios/underlay/bonded-uplink.spec.ts', 'tests/scenarios/l2/same-network-two-chassis.spec.ts'], targetFile).done;
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('2 passed');
  });
});

test('a profile that bonds a chassis it does not have is refused at its line', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'netvet-profile-')), 'bond.yaml');
  await writeFile(file, ['chassis: { compute: 2, gateway: 0 }', 'underlay:', '  bond: [ch1, ch9]', ''].join('\n'));
  const name = uniqueLabName('bx');
  const up = await netvet(['lab', 'up', '--name', name, '--profile', file]);
  expect(up.code).not.toBe(0);
  expect(up.stderr).toContain(`${file}:3:`);
  expect(up.stderr).toContain('no chassis ch9 in this profile; it has ch1, ch2');
  expect(await leftovers(name, '')).toEqual([]);
});
