import { expect, test } from '@playwright/test';
import { resolveRuntimeRule } from '../../../lib/topology/runtime-rules';
import { NetvetError, NetvetErrors } from '../../../lib/util/errors';
import { at, expectError, loadLines, refused } from './topology-support';

/** Shared networks, overlapping subnets on one router, port forwardings and rules changed at run time. */

const twoTenants = [
  'tenants: [{ name: blue }, { name: red }]',
  'networks:',
  '  - { name: blue-net, tenant: blue, subnets: [{ cidr: 10.9.0.0/24 }] }',
  '  - { name: red-net, tenant: red, shared: true, subnets: [{ cidr: 10.9.1.0/24 }] }',
  '  - { name: red-same, tenant: red, subnets: [{ cidr: 10.9.0.0/24 }] }',
];

test('a shared network takes routers and workloads of other tenants', async () => {
  const topology = await loadLines([
    ...twoTenants,
    'routers: [{ name: bridge, tenant: blue, interfaces: [blue-net, red-net] }]',
    'workloads: [{ name: vm1, tenant: blue, ports: [{ network: red-net }] }]',
  ]);
  expect(topology.networks.map((n) => [n.name, n.shared])).toEqual([['blue-net', false], ['red-net', true], ['red-same', false]]);
  expect(topology.routers[0].interfaces.map((i) => i.address)).toEqual(['10.9.0.1', '10.9.1.1']);
  expect(topology.workloads[0].ports[0].address).toBe('10.9.1.2');
});

test('one router cannot join overlapping subnets, even of different tenants', async () => {
  const lines = [...twoTenants.map((l) => l.replace('red-same, tenant: red,', 'red-same, tenant: red, shared: true,')), 'routers: [{ name: bridge, tenant: blue, interfaces: [blue-net, red-same] }]'];
  const result = await refused(lines);
  expect(result.errors).toHaveLength(1);
  expectError(
    result,
    at(lines, 6, 'red-same'),
    "routers[0].interfaces[1]: router 'bridge' cannot join subnet 'red-same-0' (10.9.0.0/24): it overlaps subnet 'blue-net-0' (10.9.0.0/24) on the same router",
    'use a router per overlapping subnet',
  );
});

const behindRouters = [
  'networks:',
  '  - { name: net1, subnets: [{ cidr: 10.1.0.0/24 }] }',
  '  - { name: net2, subnets: [{ cidr: 10.2.0.0/24 }] }',
  'routers:',
  '  - { name: r1, interfaces: [net1], externalGateway: {} }',
  '  - { name: r2, interfaces: [net2], externalGateway: {} }',
  'workloads:',
  '  - { name: vm1, ports: [{ network: net1 }] }',
  '  - { name: vm2, ports: [{ network: net1 }] }',
  '  - { name: vm3, ports: [{ network: net2 }] }',
  'floatingIps:',
];

test('port forwardings are planned with their targets', async () => {
  const topology = await loadLines([
    ...behindRouters,
    '  - name: pf',
    '    portForwardings:',
    '      - { protocol: tcp, externalPort: 2222, internalPort: 22, workload: vm1 }',
    '      - { protocol: udp, externalPort: 2222, internalPort: 7, workload: vm2, port: 0 }',
  ]);
  const [fip] = topology.floatingIps;
  expect(fip.workload).toBeNull();
  expect(fip.portForwardings.map(({ source: _source, ...pf }) => pf)).toEqual([
    { protocol: 'tcp', externalPort: 2222, internalPort: 22, workload: 'vm1', port: 0 },
    { protocol: 'udp', externalPort: 2222, internalPort: 7, workload: 'vm2', port: 0 },
  ]);
});

test('port forwardings: bound floating IP, repeated port, a missing port, targets behind two routers', async () => {
  const lines = [
    ...behindRouters,
    '  - { name: bound, workload: vm1, portForwardings: [{ protocol: tcp, externalPort: 80, internalPort: 80, workload: vm2 }] }',
    '  - name: pf',
    '    portForwardings:',
    '      - { protocol: tcp, externalPort: 80, internalPort: 80, workload: vm1 }',
    '      - { protocol: tcp, externalPort: 80, internalPort: 8080, workload: vm2 }',
    '      - { protocol: tcp, externalPort: 81, internalPort: 80, workload: vm2, port: 1 }',
    '      - { protocol: tcp, externalPort: 82, internalPort: 80, workload: vm3 }',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 12, '[{ protocol'), "floatingIps[0].portForwardings: floating IP 'bound' is bound to workload 'vm1' and also forwards ports", 'remove workload');
  expectError(result, at(lines, 16, '80, internalPort: 8080'), "floatingIps[1].portForwardings[1].externalPort: tcp/80 of floating IP 'pf' is already forwarded by entry 0", 'forward each external port once per protocol');
  expectError(result, at(lines, 17, '1 }'), "floatingIps[1].portForwardings[2].port: workload 'vm2' has no port 1", 'use a port index below 1');
  expectError(result, at(lines, 18, '{'), "floatingIps[1].portForwardings[3]: port forwarding to workload 'vm3' goes through router 'r2', but entry 0 through router 'r1'", 'forward one floating IP only to workloads behind one router');
});

test('a rule changed at run time is checked as the file\'s rules are', async () => {
  const topology = await loadLines([
    ...twoTenants,
    'securityGroups:',
    '  - { name: web, tenant: blue, rules: [{ direction: ingress, protocol: icmp }] }',
    '  - { name: db, tenant: red }',
  ]);
  const { group, rule } = resolveRuntimeRule(topology, 'web', { direction: 'ingress', protocol: 'tcp', ports: '5000-5001', remoteCidr: '10.9.0.0/24' });
  expect(group.name).toBe('web');
  expect(rule).toMatchObject({ direction: 'ingress', protocol: 'tcp', ports: { min: 5000, max: 5001 }, remoteCidr: '10.9.0.0/24', remoteGroup: null });

  const unknown = (() => resolveRuntimeRule(topology, 'wbe', { direction: 'ingress', protocol: 'icmp' })) as () => never;
  expect(unknown).toThrow(NetvetError);
  expect(unknown).toThrow(/has no security group 'wbe'/);
  const malformed = () => resolveRuntimeRule(topology, 'web', { direction: 'inbound' as 'ingress', protocol: 'tcp' });
  expect(malformed).toThrow(/is not a rule: .*direction/);
  const otherTenant = (() => resolveRuntimeRule(topology, 'web', { direction: 'ingress', protocol: 'any', remoteGroup: 'db' })) as () => never;
  expect(otherTenant).toThrow(NetvetErrors);
  expect(otherTenant).toThrow(/security group 'db' belongs to tenant 'red', not 'blue'/);
});
