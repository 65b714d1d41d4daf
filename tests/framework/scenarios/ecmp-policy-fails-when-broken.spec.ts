import { expect } from '@playwright/test';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';
import { expectNoRows } from '../support/northbound';

/**
 * The service chain and network policy scenarios must be able to fail. Each test runs one of them
 * beside an unrelated scenario in a child Playwright against a lab of its own, breaks the feature
 * straight in the OVN northbound DB while the scenario builds, and checks that exactly that
 * scenario fails, with a message naming what broke, while the other passes.
 */
test.describe.configure({ mode: 'serial' });

const CHAIN = 'tests/scenarios/ecmp/flows-spread-over-instances.spec.ts';
const POLICY = 'tests/scenarios/policy/allow-deny-matrix.spec.ts';

const expectNothingLeft = (lab: FrameworkLab) => expectNoRows(lab, 'Logical_Switch', 'Logical_Router', 'ACL', 'Logical_Router_Policy');

const found = async (lab: FrameworkLab, ...find: string[]) => (await lab.nbctl('--bare', '--columns=_uuid,name', 'find', ...find)).split('\n').filter(Boolean);

test('ECMP chain scenario fails when the reroute policies are deleted; the policy scenario beside it passes', async ({ lab }) => {
  const { done } = runScenarios([CHAIN, POLICY], lab.targetFile);
  // Rows print as uuid, then name: the router is the second line.
  const router = await whenAppears(async () => (await found(lab, 'Logical_Router', 'policies!=[]'))[1]);
  await lab.nbctl('lr-policy-del', router);
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('instances that forwarded none of the flows (the chain did not steer through them)');
  expect(result.output).toMatch(/every instance forwards some: fw-1 0 flows \(0 packets\), fw-2 0 flows \(0 packets\), fw-3 0 flows \(0 packets\)/);
  expect(result.output).toMatch(/1 failed[\s\S]*ecmp\/flows-spread-over-instances/);
  expect(result.output).toMatch(/1 passed/);
  await expectNothingLeft(lab);
});

test('policy scenario fails when an allow ACL is flipped to drop; the ECMP chain scenario beside it passes', async ({ lab }) => {
  const { done } = runScenarios([CHAIN, POLICY], lab.targetFile);
  // Priority 2000 is the first rule of the first policy: front-back allows web -> db TCP/5000.
  const [acl] = await whenAppears(async () => {
    const rows = await found(lab, 'ACL', 'priority=2000', 'action=allow-related');
    return rows.length ? rows : undefined;
  });
  await lab.nbctl('set', 'ACL', acl, 'action=drop');
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toContain('reachability differs from the expectation');
  expect(result.output).toMatch(/web -> db tcp\/5000: expected allow, observed deny/);
  expect(result.output).not.toMatch(/icmp: expected allow/);
  expect(result.output).toMatch(/1 failed[\s\S]*policy\/allow-deny-matrix/);
  expect(result.output).toMatch(/1 passed/);
  await expectNothingLeft(lab);
});
