import { expect, test } from '../../../fixtures';

/**
 * red shares red-net, and blue's router joins it to blue-net:
 * - blue1 and red1 reach each other through that router, both ways;
 * - red2, on red's network that no router joins, stays unreachable from both.
 */
test(
  'tenants: an explicit router joins two tenants through a shared network, and only there',
  { tag: ['@regression', '@tenancy'], annotation: [{ type: 'id', description: 'NV-TEN-003' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/tenants-router.yaml');
    const matrix = await reachability(built, {
      from: ['blue1', 'red1', 'red2'],
      to: ['blue1', 'red1', 'red2'],
      flows: ['icmp', 'tcp/5000'],
      expect: [{ from: ['blue1', 'red1'], to: ['blue1', 'red1'], verdict: 'allow' }],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
