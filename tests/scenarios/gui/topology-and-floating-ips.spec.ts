import type { Network, Router } from '../../../lib/orchestrators/openstack/neutron';
import { expect, test } from '../../../fixtures/gui';

/**
 * The dashboard shows each tenant what Neutron has for it, and nothing of the other tenant:
 * - red's Network Topology draws exactly the networks and routers Neutron lists for red (its own and
 *   the external network), none of blue's;
 * - red's Floating IPs page shows red's floating IP mapped to red1's fixed address, Active;
 * - blue's Floating IPs page shows none (blue has no floating IP: the negative control).
 */
test(
  "dashboard: network topology and floating IPs show the tenant's own resources, as Neutron lists them",
  {
    tag: ['@gui', '@regression', '@tenancy', '@fip'],
    annotation: [{ type: 'id', description: 'NV-GUI-004' }, { type: 'requires', description: 'gui:horizon' }],
  },
  async ({ deploy, horizon, tenants, logInAs }) => {
    const built = await deploy('topologies/tenants-floating-ip.yaml');
    const ids = async (tenant: string) => {
      const neutron = tenants.neutron(built, tenant);
      const [networks, routers] = await Promise.all([neutron.list<Network>('network'), neutron.list<Router>('router')]);
      return { networks: networks.map((n) => n.id).sort(), routers: routers.map((r) => r.id).sort() };
    };
    const [red, blue] = [await ids('red'), await ids('blue')];

    await logInAs(built, 'red');
    await test.step("red's Network Topology draws what Neutron lists for red, none of blue's", async () => {
      const drawn = await horizon.topology.drawn();
      expect({ networks: drawn.networks.sort(), routers: drawn.routers.sort() }).toEqual(red);
      expect(drawn.routers).not.toContain(blue.routers[0]);
    });
    await test.step("red's Floating IPs: red-fip on red1's address, Active", async () => {
      expect(await horizon.floatingIps.rows()).toEqual([{ address: built.floatingIps['red-fip'].address, mappedTo: built.workloads.red1.ports[0].address, status: 'Active' }]);
    });
    await test.step("blue's Floating IPs: none", async () => {
      await logInAs(built, 'blue');
      expect(await horizon.floatingIps.rows()).toEqual([]);
    });
  },
);
