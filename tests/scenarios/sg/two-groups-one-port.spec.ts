import { expect, test } from '../../../fixtures';

/**
 * A port in two security groups admits what either group admits:
 * - both (groups ping and service) answers ICMP and TCP/5000;
 * - pingable (ping only) answers ICMP, not TCP/5000; service (service only) TCP/5000, not ICMP;
 * - UDP/7, which no group admits, reaches none of them.
 */
test(
  'security group: a port in two groups admits the union of their rules',
  { tag: ['@regression', '@sg'], annotation: [{ type: 'id', description: 'NV-SG-006' }, { type: 'requires', description: 'security-group' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/sg-two-groups.yaml');
    const matrix = await reachability(built, {
      from: ['client'],
      to: ['both', 'pingable', 'service'],
      flows: ['icmp', 'tcp/5000', 'udp/7'],
      expect: [
        { to: 'both', flow: ['icmp', 'tcp/5000'], verdict: 'allow' },
        { to: 'pingable', flow: 'icmp', verdict: 'allow' },
        { to: 'service', flow: 'tcp/5000', verdict: 'allow' },
      ],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
