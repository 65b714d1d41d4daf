import { facetOf } from '../../lib/orchestrators/types';
import { expect, test } from '../../fixtures';

/**
 * A VM powered off and on again in vCenter, while a VM on another host talks to it:
 * - powered off, it no longer answers (its namespace and logical port are gone from the SDN);
 * - powered on again, it answers again, from the same host, with its MAC and address.
 */
test(
  'VM powered off in vCenter is unreachable; powered on again, it answers again',
  { tag: ['@sanity', '@regression', '@l2'], annotation: [{ type: 'id', description: 'NV-VC-001' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'orchestrator:vmware' }] },
  async ({ deploy, send, orchestrator }) => {
    const vms = facetOf(orchestrator, 'virtualMachines');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    await test.step('vm1 reaches vm2 while both run', async () => {
      expect(await send(built, 'vm1', 'vm2', { kind: 'icmp' })).toPass();
    });
    const off = await test.step('power off vm2: vm1 no longer reaches it', async () => {
      const off = await vms.powerOff(built, 'vm2');
      expect(await send(off, 'vm1', 'vm2', { kind: 'icmp' }, false)).not.toPass();
      return off;
    });
    await test.step('power vm2 on again: vm1 reaches it on the same host', async () => {
      const on = await vms.powerOn(off, 'vm2');
      expect(on.workloads.vm2.host).toBe(built.workloads.vm2.host);
      expect(await send(on, 'vm1', 'vm2', { kind: 'icmp' })).toPass();
      expect(await send(on, 'vm1', 'vm2', { kind: 'tcp', port: 5000 })).toPass();
    });
  },
);
