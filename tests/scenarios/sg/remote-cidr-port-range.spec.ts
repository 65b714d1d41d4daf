import { expect, test } from '../../../fixtures';

/**
 * Ingress rules with a remote CIDR (10.7.0.16/28) and port ranges (TCP 23-5000, UDP 1-7):
 * - near, inside the CIDR, reaches HTTP/80 and TCP/5000 (the range's upper edge) and UDP/7;
 * - near's TCP/22 (just below the range), TCP/7 and UDP/5000 are dropped;
 * - far, outside the CIDR, is dropped on every port, while its ICMP (allowed from anywhere) passes.
 */
test(
  'security group: remote CIDR and port ranges admit exactly the ports and sources they name',
  { tag: ['@regression', '@sg'], annotation: [{ type: 'id', description: 'NV-SG-003' }, { type: 'requires', description: 'security-group' }] },
  async ({ deploy, reachability }) => {
    const built = await deploy('topologies/sg-remote-cidr-ports.yaml');
    const matrix = await reachability(built, {
      from: ['near', 'far'],
      to: ['server'],
      flows: ['icmp', 'tcp/7', 'tcp/22', 'http', 'tcp/5000', 'udp/7', 'udp/5000'],
      expect: [
        { flow: 'icmp', verdict: 'allow' },
        { from: 'near', flow: ['http', 'tcp/5000', 'udp/7'], verdict: 'allow' },
      ],
      otherwise: 'deny',
    });
    expect(matrix).toBeAsExpected();
  },
);
