import { expect, test } from '../../../fixtures';

/**
 * Two networks on one router reach each other; a third network on no router reaches neither
 * (the negative control in the same matrix).
 */
test(
  'router joins two networks; a network on no router stays unreachable',
  { tag: ['@sanity', '@regression', '@l3'], annotation: [{ type: 'id', description: 'NV-L3-001' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/l3-router.yaml');
    const matrix = await reachability(built, {
      from: ['vm1', 'vm2', 'vm3'],
      to: ['vm1', 'vm2', 'vm3'],
      flows: ['icmp', 'tcp/5000'],
      expect: [{ from: ['vm1', 'vm2'], to: ['vm1', 'vm2'], verdict: 'allow' }],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
