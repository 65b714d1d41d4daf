import { expect, test } from '../../../fixtures';

/**
 * Two tenants on the same CIDR, each workload with its own floating IP:
 * - blue1 reaches red1 through red's floating IP and red1 sees blue's floating IP as the source;
 * - the same the other way round;
 * - neither reaches the other's fixed address.
 */
test(
  'floating IP: traffic between two tenants, each seen as its floating IP',
  { tag: ['@regression', '@fip', '@tenancy'], annotation: [{ type: 'id', description: 'NV-FIP-004' }, { type: 'requires', description: 'fip' }] },
  async ({ deploy, send }) => {
    const built = await deploy('topologies/fip-two-tenants.yaml');
    const pairs = [['blue1', 'red1', 'red-fip', 'blue-fip'], ['red1', 'blue1', 'blue-fip', 'red-fip']];

    for (const [from, to, toFip, fromFip] of pairs) {
      await test.step(`${from} reaches ${to} through ${toFip}, seen as ${fromFip}`, async () => {
        const reply = await send(built, from, toFip, { kind: 'tcp', port: 5000 });
        expect(reply).toPass();
        expect(reply.reply, 'who answered, and the source it saw').toBe(`${to} ${built.floatingIps[fromFip].address}`);
      });
      await test.step(`${from} reaches nothing at ${to}'s fixed address`, async () => {
        expect(await send(built, from, built.workloads[to].ports[0].address, { kind: 'tcp', port: 5000 }, false)).not.toPass();
      });
    }
  },
);
