import type { SubnetRow } from '../../../lib/gui/horizon/subnets';
import type { Network, Subnet } from '../../../lib/orchestrators/openstack/neutron';
import { expect, test } from '../../../fixtures/gui';

/**
 * A tenant adds and deletes a subnet on a network it has, on the network's Subnets tab:
 * - a subnet made in Create Subnet is in Neutron with the typed CIDR and gateway, and the tab lists
 *   the network's subnets (name, CIDR, gateway) exactly as Neutron has them;
 * - a CIDR overlapping the network's first subnet is refused with Horizon's message, and Neutron's
 *   subnets are unchanged (the negative control);
 * - Delete Subnet removes the subnet from Neutron and from the tab; the first subnet stays.
 */
test(
  'dashboard: a subnet added on the Subnets tab is in Neutron and listed; an overlapping one is refused; Delete Subnet removes it',
  {
    tag: ['@gui', '@regression', '@l3'],
    annotation: [{ type: 'id', description: 'NV-GUI-005' }, { type: 'requires', description: 'gui:horizon' }],
  },
  async ({ deploy, horizon, tenants, logInAs }) => {
    const built = await deploy('topologies/gui-tenant.yaml');
    const network = `${built.prefix}net1`;
    const added: SubnetRow = { name: `${built.prefix}net1-extra`, cidr: '10.60.1.0/24', gateway: '10.60.1.1' };
    const neutron = tenants.neutron(built);
    const [net] = await neutron.list<Network>('network', { name: network });
    const byCidr = (a: SubnetRow, b: SubnetRow) => a.cidr.localeCompare(b.cidr);
    const inNeutron = async () => (await neutron.list<Subnet>('subnet', { network_id: net.id })).map((s) => ({ name: s.name, cidr: s.cidr, gateway: s.gateway_ip ?? '' })).sort(byCidr);
    const first = await inNeutron();
    await logInAs(built);

    await test.step(`Create Subnet on ${network}: in Neutron as typed, and listed on the tab`, async () => {
      expect(await horizon.subnets.create(network, added)).toBe(`Success: Created subnet "${added.name}".`);
      expect(await inNeutron()).toEqual([...first, added]);
      expect((await horizon.subnets.rows(network)).sort(byCidr)).toEqual([...first, added]);
    });
    await test.step('a CIDR overlapping the first subnet is refused; Neutron is unchanged', async () => {
      const overlap = { name: `${built.prefix}net1-overlap`, cidr: '10.60.0.128/25', gateway: '10.60.0.129' };
      await expect(horizon.subnets.create(network, overlap)).rejects.toThrow(`Failed to create subnet "${overlap.cidr}" for network "${network}"`);
      expect(await inNeutron()).toEqual([...first, added]);
    });
    await test.step(`Delete Subnet ${added.name}: gone from Neutron and from the tab`, async () => {
      expect(await horizon.subnets.delete(network, added.name)).toContain(`Deleted Subnet: ${added.name}`);
      expect(await inNeutron()).toEqual(first);
      expect(await horizon.subnets.rows(network)).toEqual(first);
    });
  },
);
