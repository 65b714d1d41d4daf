import { expect, test } from '@playwright/test';
import { at, expectError, loadLines, refused } from './topology-support';

const lines = [
  'networks: [{ name: net1, subnets: [{ cidr: 10.1.0.0/24 }] }]',
  'workloads:',
  '  - { name: vm1, ports: [{ network: net1 }] }',
  '  - { name: web, count: 2, ports: [{ network: net1 }] }',
  'mirrors:',
];

test('a mirror names a workload port, a direction, a collector and a GRE key', async () => {
  const topology = await loadLines([...lines, '  - { name: m1, port: { workload: web-2 }, direction: to-lport, collector: { role: gateway }, key: 7 }']);
  expect(topology.mirrors).toEqual([{ name: 'm1', workload: 'web-2', port: 0, direction: 'to-lport', collector: { role: 'gateway' }, key: 7, source: expect.objectContaining({ line: 6 }) }]);
});

test('a mirror of an unknown workload, a group of replicas or a missing port is refused', async () => {
  const all = [
    ...lines,
    '  - { name: m1, port: { workload: vm2 }, direction: from-lport, collector: { role: gateway }, key: 1 }',
    '  - { name: m2, port: { workload: web }, direction: from-lport, collector: { role: gateway }, key: 2 }',
    '  - { name: m3, port: { workload: vm1, index: 1 }, direction: from-lport, collector: 10.0.0.9, key: 3 }',
    '  - { name: m3, port: { workload: vm1 }, direction: both, collector: { role: gateway }, key: 4 }',
  ];
  const result = await refused(all);
  expectError(result, at(all, 9, 'both'), "mirrors[3].direction: 'both' is not one of: from-lport, to-lport", "use one of: from-lport, to-lport");
  expect(result.errors).toHaveLength(1);
  const resolved = await refused(all.slice(0, 8));
  expectError(resolved, at(all, 6, 'vm2'), "mirrors[0].port.workload: unknown workload 'vm2'", "did you mean 'vm1'?");
  expectError(resolved, at(all, 7, 'web'), "mirrors[1].port.workload: workload 'web' has 2 replicas", 'name one of them: web-1, web-2');
  expectError(resolved, at(all, 8, '1 }'), "mirrors[2].port.index: workload 'vm1' has no port 1 (it has 1 port)", 'use a port index from 0 to 0');
});
