import { expect, test } from '@playwright/test';
import { placementCapabilities, placeWorkloads, PlacementShortfall, type PlacementHost } from '../../../lib/orchestrators/shared/placement';
import type { Topology } from '../../../lib/topology';
import { NetvetError } from '../../../lib/util/errors';
import { loadLines, topologyFile } from './topology-support';

const compute = (name: string): PlacementHost => ({ name, roles: ['compute'], integrationBridge: 'br-int' });
const THREE = [compute('a'), compute('b'), compute('c'), { name: 'gw', roles: ['gateway'], integrationBridge: 'br-int' }, { name: 'ctl', roles: ['control'] }];
const TWO = [compute('a'), compute('b')];

/** A topology of `names` on one network, then the placement rules given line by line. */
function lines(names: string[], placement: string[]): string[] {
  return [
    'networks: [{ name: n, subnets: [{ cidr: 10.1.0.0/24 }] }]',
    'workloads:',
    ...names.map((w) => `  - { name: ${w}, ports: [{ network: n }] }`),
    ...(placement.length ? ['placement:', ...placement] : []),
  ];
}

const topology = (names: string[], placement: string[]): Promise<Topology> => loadLines(lines(names, placement));

function failure(run: () => unknown): NetvetError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NetvetError);
    return error as NetvetError;
  }
  throw new Error('placement should have been refused');
}

test('spread: each workload of the rule on its own compute host; unconstrained ones balanced over compute hosts only', async () => {
  const placed = placeWorkloads(await topology(['vm1', 'vm2', 'vm3', 'vm4'], ['  - spread: [vm1, vm2, vm3]']), THREE, 't');
  expect(new Set(['vm1', 'vm2', 'vm3'].map((w) => placed.get(w))).size).toBe(3);
  expect([...placed.values()].every((h) => ['a', 'b', 'c'].includes(h))).toBe(true);
  // Negative control: without the rule, two hosts are enough for the same workloads.
  expect(placeWorkloads(await topology(['vm1', 'vm2', 'vm3'], []), TWO, 't').size).toBe(3);
});

test('spread of a group: each replica on its own host', async () => {
  const file = lines([], ['  - spread: [fw]']);
  file.splice(2, 0, '  - { name: fw, count: 3, ports: [{ network: n }] }');
  const placed = placeWorkloads(await loadLines(file), THREE, 't');
  expect(new Set(['fw-1', 'fw-2', 'fw-3'].map((w) => placed.get(w))).size).toBe(3);
});

test('together: on one host, and spread still holds between the pairs', async () => {
  const placed = placeWorkloads(await topology(['b1', 'b2', 'r1', 'r2'], ['  - together: [b1, r1]', '  - together: [b2, r2]', '  - spread: [b1, b2]']), THREE, 't');
  expect(placed.get('b1')).toBe(placed.get('r1'));
  expect(placed.get('b2')).toBe(placed.get('r2'));
  expect(placed.get('b1')).not.toBe(placed.get('b2'));
});

test('apart: a two-workload spread keeps them off one host even on a target where balance alone would not', async () => {
  // Two hosts, three workloads: balance puts vm1 and vm3 together unless the rule says otherwise.
  const placed = placeWorkloads(await topology(['vm1', 'vm2', 'vm3'], ['  - spread: [vm1, vm3]']), TWO, 't');
  expect(placed.get('vm1')).not.toBe(placed.get('vm3'));
});

test('gateway: role puts a workload on a gateway host; avoidRole keeps it off every gateway host', async () => {
  const both = [compute('a'), { name: 'g', roles: ['compute', 'gateway'], integrationBridge: 'br-int' }];
  const placed = placeWorkloads(await topology(['vm1', 'vm2', 'vm3'], ['  - { workloads: [vm1], role: gateway }', '  - { workloads: [vm2, vm3], avoidRole: gateway }']), both, 't');
  expect(placed.get('vm1')).toBe('g');
  expect(placed.get('vm2')).toBe('a');
  expect(placed.get('vm3')).toBe('a');
});

test('too few hosts: the shortfall names the capability the scenario must require, at the rule that needs it', async () => {
  const t = await topology(['vm1', 'vm2', 'vm3'], ['  - spread: [vm1, vm2, vm3]']);
  const error = failure(() => placeWorkloads(t, TWO, 'small'));
  expect(error).toBeInstanceOf(PlacementShortfall);
  expect((error as PlacementShortfall).missing).toBe('compute:3');
  expect(error.format()).toBe(
    `${t.file}:7:5: placement: ${t.name} needs 3 compute hosts that run workloads; target 'small' has 2 (a, b)\n` +
      "  fix: run it on a target with compute:3, or have the scenario ask for it ({ type: 'requires', description: 'compute:3' }) so it skips here",
  );
  const off = failure(() => placeWorkloads(t, [{ name: 'g', roles: ['compute', 'gateway'], integrationBridge: 'br-int' }], 'x'));
  expect((off as PlacementShortfall).missing).toBe('compute:3');
  const avoid = await topology(['vm1'], ['  - { workloads: [vm1], avoidRole: gateway }']);
  expect((failure(() => placeWorkloads(avoid, [{ name: 'g', roles: ['compute', 'gateway'], integrationBridge: 'br-int' }], 'x')) as PlacementShortfall).missing).toBe('compute-without-gateway:1');
});

test('the target derives exactly the pool capabilities placement asks for', () => {
  expect(placementCapabilities(THREE)).toEqual(['compute:1', 'compute:2', 'compute:3', 'compute-without-gateway:1', 'compute-without-gateway:2', 'compute-without-gateway:3', 'gateway:1', 'gateway-without-compute:1']);
  expect(placementCapabilities(TWO)).not.toContain('compute:3');
});

test('conflicting intents: a located error naming both rules', async () => {
  const t = await topology(['vm1', 'vm2'], ['  - together: [vm1, vm2]', '  - spread: [vm2, vm1]']);
  const error = failure(() => placeWorkloads(t, THREE, 't'));
  expect(error).not.toBeInstanceOf(PlacementShortfall);
  expect(error.format()).toBe(`${t.file}:7:5: placement: placement of ${t.name}: spread puts vm2 and vm1 on different hosts, but they must be together (the rule on line 6)\n  fix: drop or change one of the two rules`);
  const roles = await topology(['vm1', 'vm2'], ['  - together: [vm1, vm2]', '  - { workloads: [vm1], role: gateway }', '  - { workloads: [vm2], avoidRole: gateway }']);
  expect(failure(() => placeWorkloads(roles, THREE, 't')).format()).toContain(`${roles.file}:8:5: placement: placement of ${roles.name}: vm2 cannot be on a gateway host and never on one (the rule on line 7)`);
});

test('rules are checked against the file: unknown workloads, mixed kinds, a spread of one', async () => {
  const file = await topologyFile(lines(['vm1', 'vm2'], ['  - spread: [vm1, vm9]', '  - { spread: [vm1, vm2], together: [vm1, vm2] }', '  - together: [vm1]', '  - { spread: [vm1, vm2], role: gateway }']));
  const { loadTopology } = await import('../../../lib/topology');
  const error = await loadTopology(file).then(() => undefined, (e: unknown) => e);
  const text = (error as Error).message;
  expect(text).toContain(`${file}:6:19: placement[0].spread[1]: unknown workload 'vm9'`);
  expect(text).toContain(`${file}:7:5: placement[1]: a placement rule says one thing, this one says spread and together`);
  expect(text).toContain(`${file}:8:15: placement[2].together: 'together' needs at least two workloads, it names vm1`);
  expect(text).toContain(`${file}:9:33: placement[3].role: role and avoidRole go with 'workloads', not with 'spread'`);
});
