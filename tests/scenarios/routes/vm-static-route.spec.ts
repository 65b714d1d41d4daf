import { expect, test } from '../../../fixtures';

/**
 * A router static route toward a workload that routes a prefix (a "VM static route", as for a
 * virtual router or firewall appliance):
 * - client reaches far (192.168.200.20) through r1's route to fwd, which forwards it; far answers
 *   back through fwd;
 * - negative control: 192.168.201.1, on fwd too but with no route on r1, stays unreachable.
 */
test(
  'router static route to a forwarding workload: its prefix is reachable, a prefix without a route is not',
  { tag: ['@regression', '@routes', '@l3'], annotation: [{ type: 'id', description: 'NV-RT-001' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/vm-static-route.yaml');
    const matrix = await reachability(built, {
      from: ['client'],
      to: ['far', '192.168.201.1', 'fwd'],
      flows: ['icmp', 'tcp/5000'],
      expect: [{ from: ['client'], to: ['far', 'fwd'], verdict: 'allow' }],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
