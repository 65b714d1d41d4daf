import { expect, test } from '../../../fixtures';
import { interfaceConfig, routes } from '../../../lib/traffic/ip-config';

/**
 * Workload ports configured by the network's DHCP server (OVN native DHCP):
 * - client1 gets its planned address, the target's workload MTU, a default route through the
 *   subnet gateway and the classless static route its subnet pushes (192.168.200.0/24 via far);
 * - traffic to 192.168.200.10 takes that route and reaches far;
 * - negative control: client2, on a subnet that pushes no route, has the default route only and
 *   does not reach 192.168.200.10.
 */
test(
  'DHCP: address, MTU, default route and classless static route pushed to a workload',
  { tag: ['@regression', '@dhcp', '@routes'], annotation: [{ type: 'id', description: 'NV-RT-002' }, { type: 'requires', description: 'dhcp' }] },
  async ({ deploy, send, target }) => {
    const built = await deploy('topologies/dhcp-routes.yaml');
    const { client1, client2 } = built.workloads;
    const subnet = (network: string) => built.topology.networks.find((n) => n.name === network)!.subnets[0];

    await test.step('each client has its planned address and the workload MTU, by DHCP', async () => {
      for (const client of [client1, client2]) {
        const iface = await interfaceConfig(client.shell, 'eth0');
        expect(iface.addresses, `${client.name} eth0`).toEqual([`${client.ports[0].address}/${subnet(client.ports[0].network).prefixLength}`]);
        expect(iface.mtu, `${client.name} eth0 MTU`).toBe(target.workloads.mtu);
      }
    });
    await test.step('client1 has the default route and the pushed route; client2 the default route only', async () => {
      expect(await routes(client1.shell)).toEqual(
        expect.arrayContaining([
          { destination: 'default', via: subnet('net1').gateway, dev: 'eth0' },
          { destination: '192.168.200.0/24', via: '10.1.0.10', dev: 'eth0' },
        ]),
      );
      const client2Routes = await routes(client2.shell);
      expect(client2Routes).toContainEqual({ destination: 'default', via: subnet('net2').gateway, dev: 'eth0' });
      expect(client2Routes.map((r) => r.destination)).not.toContain('192.168.200.0/24');
    });
    await test.step('client1 reaches 192.168.200.10 through the pushed route; client2 does not', async () => {
      expect(await send(built, 'client1', '192.168.200.10', { kind: 'tcp', port: 5000 })).toPass();
      expect(await send(built, 'client2', '192.168.200.10', { kind: 'tcp', port: 5000 }, false)).not.toPass();
    });
  },
);
