import { waitForActiveNorthd } from '../../../lib/sdn/ovn/cluster';
import { northdStatus } from '../../../lib/sdn/ovn/control-plane';
import { expect, test } from '../../../fixtures';

/**
 * The active ovn-northd killed:
 * - the standby takes the lock and turns active;
 * - negative control: the spare floating IP answers nothing while it is unbound;
 * - new configuration still reaches the chassis: bound to vm2, the floating IP lands on vm2;
 * - started again, the old ovn-northd comes back as standby (one active at a time).
 */
test(
  'active northd killed: the standby takes over, new configuration still reaches the chassis',
  { tag: ['@ha', '@serial', '@fip'], annotation: [{ type: 'id', description: 'NV-HA-004' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'ha:northd' }, { type: 'requires', description: 'fip' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ deploy, faults, hosts, send, floatingIps }, testInfo) => {
    let built = await deploy('topologies/ha.yaml');

    const killed = await faults.killActiveNorthd();
    await test.step(`an ovn-northd other than the one on ${killed.host} turns active`, async () => {
      const active = await waitForActiveNorthd(hosts, killed.host, 15_000);
      expect(active, `no standby ovn-northd became active within 15 s after the active one on ${killed.host} was killed`).toBeDefined();
      testInfo.annotations.push({ type: 'measured', description: `ovn-northd on ${active!.host} active ${active!.afterMs} ms after the kill` });
    });
    await test.step('the unbound floating IP answers nothing', async () => {
      expect(await send(built, 'runner', 'fip2', { kind: 'tcp', port: 5000 }, false)).not.toPass();
    });
    await test.step('bound to vm2 through the new active northd, the floating IP lands on vm2', async () => {
      const started = Date.now();
      built = await floatingIps.associate(built, 'fip2', 'vm2');
      const reply = await send(built, 'runner', 'fip2', { kind: 'tcp', port: 5000 });
      testInfo.annotations.push({ type: 'measured', description: `floating IP bound and answering ${Date.now() - started} ms after the request` });
      expect(reply).toPass();
      expect(reply.reply?.split(' ')[0]).toBe('vm2');
    });
    await test.step(`started again, ovn-northd on ${killed.host} is standby`, async () => {
      await killed.undo();
      expect(await northdStatus(hosts, killed.host)).toBe('standby');
    });
  },
);
