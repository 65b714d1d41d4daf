import type { Network, Port, Router, Subnet } from '../../../lib/orchestrators/openstack/neutron';
import { expect, test } from '../../../fixtures/gui';

/**
 * A tenant builds a network in the dashboard:
 * - the network and subnet made in the Create Network form are in Neutron with the typed CIDR and gateway;
 * - a server on that network does not reach the gateway address while no router has it (the negative control);
 * - a router made in the dashboard with an interface on the subnet holds the gateway address in Neutron,
 *   and the server now reaches it.
 */
test(
  'dashboard: a network, subnet and router made in Horizon are in Neutron and carry traffic',
  {
    tag: ['@gui', '@regression', '@l3'],
    annotation: [{ type: 'id', description: 'NV-GUI-002' }, { type: 'requires', description: 'gui:horizon' }],
  },
  async ({ deploy, horizon, tenants, logInAs, send }) => {
    let built = await deploy('topologies/gui-tenant.yaml');
    const [network, subnet, router] = ['guinet', 'guinet-v4', 'guir'].map((n) => `${built.prefix}${n}`);
    const neutron = tenants.neutron(built);
    await logInAs(built);

    const networkId = await test.step('Create Network: the network and its subnet are in Neutron', async () => {
      await horizon.networks.create({ name: network, subnet: { name: subnet, cidr: '10.61.0.0/24', gateway: '10.61.0.1' } });
      const [made] = await neutron.list<Network>('network', { name: network });
      expect(made, `network ${network} in Neutron`).toBeDefined();
      const subnets = await neutron.list<Subnet>('subnet', { network_id: made.id });
      expect(subnets.map((s) => [s.name, s.cidr, s.gateway_ip])).toEqual([[subnet, '10.61.0.0/24', '10.61.0.1']]);
      return made.id;
    });
    built = await tenants.serverOn(built, 'guivm', networkId);

    await test.step('no router yet: the gateway address does not answer', async () => {
      expect(await send(built, 'guivm', '10.61.0.1', { kind: 'icmp' }, false)).not.toPass();
    });
    await test.step('Create Router and Add Interface: the router holds the gateway, which answers', async () => {
      await horizon.routers.create(router);
      await horizon.routers.addInterface(router, subnet);
      const [made] = await neutron.list<Router>('router', { name: router });
      const ports = await neutron.list<Port>('port', { device_id: made.id, device_owner: 'network:router_interface' });
      expect(ports.flatMap((p) => p.fixed_ips.map((ip) => ip.ip_address))).toEqual(['10.61.0.1']);
      expect(await send(built, 'guivm', '10.61.0.1', { kind: 'icmp' })).toPass();
    });
  },
);
