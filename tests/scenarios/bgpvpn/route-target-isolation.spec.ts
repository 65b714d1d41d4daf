import { expect, test } from '../../../fixtures/bgpvpn';

/**
 * Tenants blue and red on the same CIDR, blue1 and red1 both at 10.9.0.10 on one PE; green a third
 * VPN whose route target blue imports (the router blue-green) and red does not:
 * - blue2 reaches blue1 and red2 reaches red1, each answered by its own tenant's workload at the
 *   same address (each VRF holds its own tenant's route for 10.9.0.10/32);
 * - blue reaches green and green reaches blue (each imports the other's target);
 * - red reaches nothing of green: red's VRF has no route for green's prefix.
 */
test(
  'BGP VPN: overlapping tenants stay apart by route target, and a VPN reaches another once it imports its target',
  {
    tag: ['@regression', '@bgpvpn', '@tenancy'],
    annotation: [{ type: 'id', description: 'NV-BGPVPN-002' }, { type: 'requires', description: 'sdn:bgpvpn' }, { type: 'requires', description: 'compute:2' }],
  },
  async ({ bgpVpn, deploy, orchestrator, reachability }) => {
    const built = await deploy('topologies/bgpvpn-tenants.yaml');
    expect(built.workloads.blue1.ports[0].address).toBe(built.workloads.red1.ports[0].address);
    expect(built.workloads.blue1.host).toBe(built.workloads.red1.host);

    // Probes to the shared address name who answers: blue2 must get blue1, red2 red1 (never the other tenant).
    const cases = [
      { from: 'blue2', to: ['blue1', 'green1'], allow: ['blue1', 'green1'] },
      { from: 'red2', to: ['red1', 'green1'], allow: ['red1'] },
      { from: 'green1', to: ['blue1'], allow: ['blue1'] },
    ];
    for (const { from, to, allow } of cases) {
      await test.step(`${from} reaches ${allow.join(' and ')}${to.length > allow.length ? `, not ${to.filter((t) => !allow.includes(t)).join(', ')}` : ''}`, async () => {
        const matrix = await reachability(built, { from: [from], to, flows: ['icmp', 'tcp/5000'], expect: [{ to: allow, verdict: 'allow' }], otherwise: 'deny' });
        expect(matrix).toBeAsExpected();
      });
    }

    await test.step("red's VRF has no route for green1, blue's routes it by green's route target", async () => {
      const flow = (from: string) => ({ from, to: 'green1', kind: 'icmp' as const, sourceAddress: built.workloads[from].ports[0].address, destinationAddress: built.workloads.green1.ports[0].address });
      expect((await bgpVpn.explain(built, flow('red2'), orchestrator)).verdict).toMatch(/^no route for 10\.8\.0\.20\/32 in VPN red-net/);
      const { routeTarget } = (await orchestrator.bindings.bgpvpn!(built)).vpnOf('green-net');
      expect((await bgpVpn.explain(built, flow('blue2'), orchestrator)).verdict).toContain(`route targets ${routeTarget}`);
    });
  },
);
