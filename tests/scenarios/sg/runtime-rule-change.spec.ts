import type { MatrixSpec } from '../../../lib/traffic/matrix';
import { expect, test } from '../../../fixtures';

/**
 * A rule added and removed while the workloads run:
 * - before: ICMP reaches server, TCP/5000 does not;
 * - after adding "ingress tcp 5000": TCP/5000 passes too, UDP/7 (no rule) is still dropped;
 * - after removing it again: TCP/5000 is dropped, ICMP (the file's rule) still passes.
 */
test(
  'security group: a rule added at run time takes effect, and stops when removed',
  { tag: ['@regression', '@sg'], annotation: [{ type: 'id', description: 'NV-SG-005' }, { type: 'requires', description: 'security-group' }] },
  async ({ deploy, reachability, securityGroups }) => {
    let built = await deploy('topologies/sg-runtime.yaml');
    const rule = { direction: 'ingress', protocol: 'tcp', ports: 5000 } as const;
    const allowing = (flows: string[]): MatrixSpec => ({
      from: ['client'],
      to: ['server'],
      flows: ['icmp', 'tcp/5000', 'udp/7'],
      expect: [{ flow: flows, verdict: 'allow' }],
      otherwise: 'deny',
    });

    await test.step('before: ICMP only', async () => {
      expect(await reachability(built, allowing(['icmp']))).toBeAsExpected();
    });
    await test.step('rule "ingress tcp 5000" added: TCP/5000 passes', async () => {
      built = await securityGroups.addRule(built, 'web', rule);
      expect(await reachability(built, allowing(['icmp', 'tcp/5000']))).toBeAsExpected();
    });
    await test.step('rule removed: TCP/5000 is dropped again', async () => {
      built = await securityGroups.removeRule(built, 'web', rule);
      expect(await reachability(built, allowing(['icmp']))).toBeAsExpected();
    });
  },
);
