import { expect, test } from '../../../fixtures';

/**
 * Network policy rules change at run time, without rebuilding (topologies/network-policy.yaml):
 * - ops rule 0 denies admin -> db TCP/5000: deny -> allow -> deny, the flow follows each change;
 * - front-back rule 0 allows web -> db TCP/5000: allow -> deny -> allow, likewise;
 * - beside each change a flow of another rule keeps its verdict (negative and positive controls).
 */
test(
  'network policy: rules flip between allow and deny at run time',
  { tag: ['@regression', '@policy'], annotation: [{ type: 'id', description: 'NV-POL-002' }, { type: 'requires', description: 'policy' }] },
  async ({ deploy, send, policies }) => {
    let built = await deploy('topologies/network-policy.yaml');
    const flow = async (from: string, to: string, port: number, verdict: 'allow' | 'deny') => {
      const result = await send(built, from, to, { kind: 'tcp', port }, verdict === 'allow');
      await test.step(`${from} -> ${to} tcp/${port}: ${verdict}`, () => (verdict === 'allow' ? expect(result).toPass() : expect(result).not.toPass()));
    };
    const flip = (policy: string, rule: number, action: 'allow' | 'deny') =>
      test.step(`set ${policy} rule ${rule} to ${action}`, async () => {
        built = await policies.setRuleAction(built, policy, rule, action);
      });

    await test.step('ops rule 0: deny -> allow -> deny', async () => {
      await flow('admin', 'db', 5000, 'deny');
      await flow('admin', 'db', 7, 'allow');
      await flip('ops', 0, 'allow');
      await flow('admin', 'db', 5000, 'allow');
      await flow('web', 'db', 7, 'deny');
      await flip('ops', 0, 'deny');
      await flow('admin', 'db', 5000, 'deny');
      await flow('admin', 'db', 7, 'allow');
    });
    await test.step('front-back rule 0: allow -> deny -> allow', async () => {
      await flow('web', 'db', 5000, 'allow');
      await flip('front-back', 0, 'deny');
      await flow('web', 'db', 5000, 'deny');
      await flow('db', 'web', 7, 'deny');
      await flip('front-back', 0, 'allow');
      await flow('web', 'db', 5000, 'allow');
      await flow('admin', 'web', 5000, 'allow');
    });
  },
);
