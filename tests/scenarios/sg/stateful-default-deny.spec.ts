import { expect, test } from '../../../fixtures';

/**
 * Stateful filtering and the default deny:
 * - client and open reach server on ICMP and TCP/5000, although server has no egress rule: its
 *   replies pass because the flow was admitted;
 * - server starts nothing, not even toward open, which admits anything;
 * - nothing reaches client unless client started it; nothing reaches or leaves mute, whose group
 *   has no rules.
 */
test(
  'security group: replies of admitted flows pass, everything no rule admits is dropped',
  { tag: ['@regression', '@sg'], annotation: [{ type: 'id', description: 'NV-SG-004' }, { type: 'requires', description: 'security-group' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/sg-stateful.yaml');
    const workloads = ['client', 'server', 'open', 'mute'];
    const matrix = await reachability(built, {
      from: workloads,
      to: workloads,
      flows: ['icmp', 'tcp/5000'],
      expect: [
        { from: ['client', 'open'], to: 'server', verdict: 'allow' },
        { from: 'client', to: 'open', verdict: 'allow' },
      ],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
