import { expect, test } from '@playwright/test';
import { withOwnLab } from '../support/cli';
import { runScenarios } from '../support/lab';

/**
 * The lab tunnels with the encapsulation its profile names: on a VXLAN lab, a workload pair on two
 * chassis pings and talks TCP across the tunnel, and the underlay carries VXLAN only (the L2
 * scenario's own capture check, which the Geneve lab passes too).
 */
test('a VXLAN profile lab carries workload traffic across chassis in VXLAN', async () => {
  await withOwnLab('vx', 'topologies/labs/vxlan.yaml', async ({ targetFile, up }) => {
    expect(up.stdout).toContain('(vxlan)');
    const result = await runScenarios(['tests/scenarios/l2/same-network-two-chassis.spec.ts'], targetFile).done;
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('1 passed');
  });
});
