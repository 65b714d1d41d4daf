import { expect, test } from '../../../fixtures';

/**
 * Egress rules filter what a port starts, not what it answers:
 * - client reaches server on TCP/5000 and UDP/7, the flows its egress rules name;
 * - client's ICMP and TCP/7 to the same server are dropped on the way out;
 * - server reaches client with every flow: client admits anything, and its replies leave although
 *   no egress rule names them (the filter is stateful).
 */
test(
  'security group: egress rules allow only the named flows out; replies to inbound flows still leave',
  { tag: ['@regression', '@sg'], annotation: [{ type: 'id', description: 'NV-SG-002' }, { type: 'requires', description: 'security-group' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/sg-egress.yaml');
    const matrix = await reachability(built, {
      from: ['client', 'server'],
      to: ['client', 'server'],
      flows: ['icmp', 'tcp/5000', 'tcp/7', 'udp/7'],
      expect: [
        { from: 'client', flow: ['tcp/5000', 'udp/7'], verdict: 'allow' },
        { from: 'server', verdict: 'allow' },
      ],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
