import { ip2long } from 'netmask';
import { expect, test } from '../../../fixtures';

/**
 * Floating IPs from the target's pool:
 * - all three get distinct addresses inside the pool, unbound ones too, none a router's;
 * - the bound one (fip-a) reaches vm1, the unbound ones answer nothing;
 * - once bound to vm2 and vm3, each reaches its own workload (the replies name them).
 */
test(
  'floating IP pool: distinct addresses from the pool, bound later to their own workloads',
  { tag: ['@regression', '@fip'], annotation: [{ type: 'id', description: 'NV-FIP-002' }, { type: 'requires', description: 'fip' }] },
  async ({ deploy, reachability, floatingIps, target }) => {
    let built = await deploy('topologies/fip-pool.yaml');
    const fips = ['fip-a', 'fip-b', 'fip-c'];
    const pool = target.externalNetwork!.floatingIpRange;

    await test.step(`addresses are distinct and inside the pool ${pool.start}-${pool.end}`, () => {
      const addresses = fips.map((name) => built.floatingIps[name].address);
      expect(new Set(addresses).size, addresses.join(', ')).toBe(3);
      for (const address of addresses) {
        expect(ip2long(address), address).toBeGreaterThanOrEqual(ip2long(pool.start));
        expect(ip2long(address), address).toBeLessThanOrEqual(ip2long(pool.end));
      }
      expect(addresses).not.toContain(built.routers.r1.externalAddress);
    });
    await test.step('fip-a reaches vm1; unbound fip-b and fip-c answer nothing', async () => {
      const matrix = await reachability(built, { from: ['runner'], to: fips, flows: ['tcp/5000'], expect: [{ to: 'fip-a', verdict: 'allow' }], otherwise: 'deny' });
      expect(matrix).toBeAsExpected();
    });
    await test.step('bound to vm2 and vm3, each reaches its own workload', async () => {
      built = await floatingIps.associate(built, 'fip-b', 'vm2');
      built = await floatingIps.associate(built, 'fip-c', 'vm3');
      const matrix = await reachability(built, { from: ['runner'], to: fips, flows: ['tcp/5000'], expect: [], otherwise: 'allow' });
      expect(matrix).toBeAsExpected();
    });
  },
);
