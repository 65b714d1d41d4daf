import { expect, test } from '../../../fixtures';

/**
 * Security group `web` admits ICMP and SSH from its own members only:
 * - members reach each other with ICMP and TCP/22;
 * - every other flow between members (TCP/5000, UDP/7) is dropped;
 * - a workload outside the group reaches no member, and members cannot reach it (it admits nothing).
 */
test(
  'security group: ICMP and TCP/22 from the remote group, everything else denied',
  { tag: ['@sanity', '@regression', '@sg'], annotation: [{ type: 'id', description: 'NV-SG-001' }, { type: 'requires', description: 'security-group' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/security-group.yaml');
    const matrix = await reachability(built, {
      from: ['client', 'server', 'outsider'],
      to: ['client', 'server', 'outsider'],
      flows: ['icmp', 'tcp/22', 'tcp/5000', 'udp/7'],
      expect: [{ from: ['client', 'server'], to: ['client', 'server'], flow: ['icmp', 'tcp/22'], verdict: 'allow' }],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
