import { expect, test } from '@playwright/test';
import { labDirOf, labRange, leftovers, netvet, uniqueLabName } from '../support/cli';
import { runScenarios } from '../support/lab';

/**
 * The lab tunnels with the encapsulation its profile names: on a VXLAN lab, a workload pair on two
 * chassis pings and talks TCP across the tunnel, and the underlay carries VXLAN only (the L2
 * scenario's own capture check, which the Geneve lab passes too).
 */
test('a VXLAN profile lab carries workload traffic across chassis in VXLAN', async () => {
  const name = uniqueLabName('vx');
  const up = await netvet(['lab', 'up', '--name', name, '--profile', 'topologies/labs/vxlan.yaml']);
  expect(up.code, up.stderr).toBe(0);
  expect(up.stdout).toContain('(vxlan)');
  const range = labRange(name);
  try {
    const result = await runScenarios(['tests/scenarios/l2/same-network-two-chassis.spec.ts'], `${labDirOf(name)}/target.yaml`).done;
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('1 passed');
  } finally {
    await netvet(['lab', 'down', '--name', name]);
  }
  expect(await leftovers(name, range)).toEqual([]);
});
