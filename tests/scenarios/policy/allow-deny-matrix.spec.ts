import { expect, test } from '../../../fixtures';

/**
 * Network policies between three routed networks (topologies/network-policy.yaml), checked as a
 * truth table over ICMP, TCP/5000, TCP/7 and UDP/7 in both directions:
 * - front-back (default deny): web -> db passes ICMP and TCP/5000 only, db -> web ICMP and UDP/7 only;
 * - ops (default allow): admin -> db TCP/5000 is denied, UDP between front and ops is denied both ways;
 * - everything else between the networks passes.
 */
test(
  'network policy: allow and deny by protocol and port, in both directions',
  { tag: ['@sanity', '@regression', '@policy'], annotation: [{ type: 'id', description: 'NV-POL-001' }, { type: 'requires', description: 'policy' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/network-policy.yaml');
    const matrix = await reachability(built, {
      from: ['web', 'db', 'admin'],
      to: ['web', 'db', 'admin'],
      flows: ['icmp', 'tcp/5000', 'tcp/7', 'udp/7'],
      expect: [
        { from: 'web', to: 'db', flow: ['icmp', 'tcp/5000'], verdict: 'allow' },
        { from: 'db', to: 'web', flow: ['icmp', 'udp/7'], verdict: 'allow' },
        { from: ['web', 'db'], to: ['web', 'db'], verdict: 'deny' },
        { from: ['web', 'admin'], to: ['web', 'admin'], flow: 'udp/7', verdict: 'deny' },
        { from: 'admin', to: 'db', flow: 'tcp/5000', verdict: 'deny' },
      ],
      otherwise: 'allow',
    });
    expect(matrix).toBeAsExpected();
  },
);
