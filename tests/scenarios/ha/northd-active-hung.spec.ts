import { pollFor, waitForActiveNorthd } from '../../../lib/sdn/ovn/cluster';
import { northdStatus, northdStatuses } from '../../../lib/sdn/ovn/control-plane';
import { expect, test } from '../../../fixtures';

/**
 * The active ovn-northd hangs (SIGSTOP: the process stays, its connections stay open, it answers
 * nothing), which is harder on failover than a crash:
 * - the southbound DB's inactivity probe drops the hung process's connection and its lock, and the
 *   standby turns active within 30 s;
 * - negative control: the spare floating IP answers nothing while it is unbound;
 * - new configuration still reaches the chassis: bound to vm2, the floating IP lands on vm2;
 * - resumed (SIGCONT), the old ovn-northd finds its lock gone and comes back as standby.
 */
test(
  'active northd hung: the standby takes over, the resumed one comes back as standby',
  { tag: ['@ha', '@serial', '@fip'], annotation: [{ type: 'id', description: 'NV-HA-009' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'ha:northd' }, { type: 'requires', description: 'fip' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ deploy, faults, hosts, send, floatingIps }, testInfo) => {
    let built = await deploy('topologies/ha.yaml');
    const active = (await northdStatuses(hosts)).find((n) => n.status === 'active');
    expect(active, 'an ovn-northd is active').toBeDefined();

    const hung = await faults.stop(active!.host, 'ovn-northd');
    await test.step(`an ovn-northd other than the hung one on ${hung.host} turns active`, async () => {
      const standby = await waitForActiveNorthd(hosts, hung.host, 30_000);
      expect(standby, `no standby ovn-northd became active within 30 s after the active one on ${hung.host} hung`).toBeDefined();
      testInfo.annotations.push({ type: 'measured', description: `ovn-northd on ${standby!.host} active ${standby!.afterMs} ms after the active one hung` });
    });
    await test.step('the unbound floating IP answers nothing', async () => {
      expect(await send(built, 'runner', 'fip2', { kind: 'tcp', port: 5000 }, false)).not.toPass();
    });
    await test.step('bound to vm2 through the new active northd, the floating IP lands on vm2', async () => {
      built = await floatingIps.associate(built, 'fip2', 'vm2');
      const reply = await send(built, 'runner', 'fip2', { kind: 'tcp', port: 5000 });
      expect(reply).toPass();
      expect(reply.reply?.split(' ')[0]).toBe('vm2');
    });
    await test.step(`resumed, ovn-northd on ${hung.host} comes back as standby`, async () => {
      await hung.undo();
      const standby = await pollFor(async () => ((await northdStatus(hosts, hung.host)) === 'standby' ? true : undefined), 30_000);
      expect(standby, `ovn-northd on ${hung.host} is ${await northdStatus(hosts, hung.host)} after it resumed`).toBe(true);
    });
  },
);
