import { expect, test } from '../../../fixtures';

/**
 * Two tenants on the same CIDR, each behind its own router; red1 has a floating IP:
 * - blue1 reaches red1 through the floating IP, and red1 sees blue's router address as the source
 *   (blue1 left its tenant by SNAT, red1 entered its own by DNAT);
 * - blue1 reaches nothing at red1's fixed address, which is not routed between tenants.
 */
test(
  'tenants: traffic from one tenant to another passes only through a floating IP',
  { tag: ['@regression', '@tenancy', '@fip'], annotation: [{ type: 'id', description: 'NV-TEN-002' }, { type: 'requires', description: 'fip' }] },
  async ({ deploy, send }) => {
    const built = await deploy('topologies/tenants-floating-ip.yaml');
    const red1 = built.workloads.red1.ports[0].address;

    await test.step(`blue1 reaches red1 through ${built.floatingIps['red-fip'].address}`, async () => {
      const reply = await send(built, 'blue1', 'red-fip', { kind: 'tcp', port: 5000 });
      expect(reply).toPass();
      expect(reply.reply, 'who answered, and the source it saw').toBe(`red1 ${built.routers['blue-r'].externalAddress}`);
    });
    await test.step(`blue1 reaches nothing at red1's fixed address ${red1}`, async () => {
      expect(await send(built, 'blue1', red1, { kind: 'tcp', port: 5000 }, false)).not.toPass();
      expect(await send(built, 'blue1', red1, { kind: 'icmp' }, false)).not.toPass();
    });
  },
);
