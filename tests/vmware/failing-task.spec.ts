import { facetOf } from '../../lib/orchestrators/types';
import { expect, test } from '../../fixtures';

/**
 * vCenter refusing what it is asked:
 * - powering on a VM that runs fails with vCenter's own fault (InvalidPowerState), and the VM
 *   still answers where it ran;
 * - moving a VM to a host the vCenter cluster does not have fails naming the host and the hosts it
 *   has, and the VM still answers where it ran.
 * Nothing is left behind either way: the teardown fails the test on any leak.
 */
test(
  'a task vCenter refuses fails with its fault; nothing changes, nothing is left',
  { tag: ['@regression', '@l2'], annotation: [{ type: 'id', description: 'NV-VC-003' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'gateway-without-compute:1' }, { type: 'requires', description: 'orchestrator:vmware' }] },
  async ({ deploy, send, orchestrator, target }) => {
    const vms = facetOf(orchestrator, 'virtualMachines');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    await test.step('powering on the running vm2 fails with the vCenter fault InvalidPowerState', async () => {
      await expect(vms.powerOn(built, 'vm2')).rejects.toThrow(/powering on VM \S+vm2 failed with vCenter fault InvalidPowerState/);
    });
    const gateway = target.hosts.find((h) => h.roles.includes('gateway') && !h.roles.includes('compute'))!.name;
    await test.step(`moving vm2 to ${gateway}, which is no ESXi host of the cluster, fails naming it`, async () => {
      await expect(vms.migrate(built, 'vm2', gateway)).rejects.toThrow(new RegExp(`has no ESXi host '${gateway}'`));
    });
    await test.step('vm2 still answers where it ran', async () => {
      expect(await send(built, 'vm1', 'vm2', { kind: 'icmp' })).toPass();
    });
  },
);
