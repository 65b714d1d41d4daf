import { expect, test } from '../../../fixtures';

/**
 * Two tenants, both on 10.9.0.0/24, blue1 and red1 both at 10.9.0.10 on one chassis:
 * - blue2 reaches blue1 and blue3, and it is blue1 that answers at 10.9.0.10 (the reply names it);
 * - red2 reaches red1 and red3, and it is red1 that answers at the same address;
 * - blue2 reaches nothing at red3's address, red2 nothing at blue3's (the other tenant's only).
 */
test(
  'tenants: overlapping CIDRs and equal addresses, each tenant reaches only its own workloads',
  { tag: ['@sanity', '@regression', '@tenancy'], annotation: [{ type: 'id', description: 'NV-TEN-001' }, { type: 'requires', description: 'compute:2' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/tenants-overlap.yaml');
    expect(built.workloads.blue1.ports[0].address).toBe(built.workloads.red1.ports[0].address);
    expect(built.workloads.blue1.host).toBe(built.workloads.red1.host);

    for (const [tenant, other] of [['blue', 'red'], ['red', 'blue']]) {
      await test.step(`${tenant}2 reaches ${tenant}1 and ${tenant}3, not ${other}'s own address`, async () => {
        const matrix = await reachability(built, {
          from: [`${tenant}2`],
          to: [`${tenant}1`, `${tenant}3`, `${other}3`],
          flows: ['icmp', 'tcp/5000'],
          expect: [{ to: [`${tenant}1`, `${tenant}3`], verdict: 'allow' }],
          otherwise: 'deny',
        });
        expect(matrix).toBeAsExpected();
      });
    }
  },
);
