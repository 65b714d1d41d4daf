import { expect, test } from '@playwright/test';
import { loadTopology } from '../../../lib/topology';
import { NetvetErrors } from '../../../lib/util/errors';
import { at, expectError, refused } from './topology-support';

/**
 * Every mistake in a topology is reported as `file:line:column: field: message` with a fix, on the
 * node that is wrong (`at` finds that node's column on its line), never as a stack trace.
 */

const net1 = ['networks:', '  - name: net1', '    subnets: [{ name: net1-v4, cidr: 10.1.0.0/24 }]'];

test('an empty file', async () => {
  const result = await refused(['# yaml-language-server: $schema=../schemas/topology.schema.json']);
  expectError(result, '1:1', 'the topology file is empty', 'describe at least one network');
});

test('a missing file', async () => {
  const error = await loadTopology('/nonexistent/topo.yaml').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NetvetErrors);
  expect((error as NetvetErrors).format()).toMatch(/^\/nonexistent\/topo\.yaml: no such topology file\n {2}fix: check the path/);
});

test('a YAML syntax error names its line', async () => {
  const result = await refused(['networks:', '  - name: net1', '    subnets: [{ cidr: 10.1.0.0/24 }', 'workloads: []']);
  expect(result.errors).toHaveLength(1);
  expect(result.errors[0]).toMatch(new RegExp(`^${result.file}:4:1: YAML syntax error: .+\\n  fix: fix the YAML syntax`));
});

test('wrong types', async () => {
  const lines = [
    'networks:',
    '  - name: 5',
    '    subnets: { cidr: 10.1.0.0/24 }',
    'workloads:',
    '  - { name: vm1, count: "2", forwarding: yes, ports: [{ network: net1 }] }',
    'securityGroups:',
    '  - { name: g, rules: [{ direction: in, protocol: tcp, ports: true }] }',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 2, '5'), 'networks[0].name: expected a string, found 5', 'a name');
  expectError(result, at(lines, 3, '{'), 'networks[0].subnets: expected a list, found a mapping', "the network's IPv4 subnets");
  expectError(result, at(lines, 5, '"2"'), "workloads[0].count: expected a number, found '2'", 'replicas');
  expectError(result, at(lines, 5, 'yes'), "workloads[0].forwarding: expected true or false, found 'yes'", 'acts as a router');
  expectError(result, at(lines, 7, 'in,'), "securityGroups[0].rules[0].direction: 'in' is not one of: ingress, egress", 'use one of: ingress, egress');
  expectError(result, at(lines, 7, 'true'), 'securityGroups[0].rules[0].ports: expected a number or a string, found true', 'tcp/udp destination port');
});

test('unknown keys suggest the closest valid key', async () => {
  const lines = ['networks:', '  - name: net1', '    subnet:', '      - { cidr: 10.1.0.0/24 }', '    colour: blue'];
  const result = await refused(lines);
  expectError(result, at(lines, 3, 'subnet'), "networks[0].subnet: unknown key 'subnet'", "did you mean 'subnets'?");
  expectError(result, at(lines, 5, 'colour'), "networks[0].colour: unknown key 'colour'", 'remove it; the keys allowed here are: name, tenant, external, shared, subnets');
  // The misspelt key is one mistake, not also a missing `subnets`.
  expect(result.errors).toHaveLength(2);
});

test('a missing required key points at its mapping', async () => {
  const lines = ['networks:', '  - name: net1', '    subnets:', '      - gateway: 10.1.0.1'];
  const result = await refused(lines);
  expectError(result, at(lines, 4, 'gateway'), "networks[0].subnets[0].cidr: missing required key 'cidr'", "add 'cidr' (an IPv4 network such as 10.1.0.0/24)");
});

test('an invalid CIDR, and one with host bits set', async () => {
  const bad = ['networks:', '  - name: net1', '    subnets: [{ cidr: 10.1.0.300/24 }]'];
  expectError(await refused(bad), at(bad, 3, '10.1'), "networks[0].subnets[0].cidr: '10.1.0.300/24' is not an IPv4 network (CIDR)", 'an IPv4 network such as');
  const hostBits = ['networks:', '  - name: net1', '    subnets:', '      - cidr: 10.1.0.5/24'];
  expectError(
    await refused(hostBits),
    at(hostBits, 4, '10.1'),
    'networks[0].subnets[0].cidr: 10.1.0.5/24 has host bits set; its network address is 10.1.0.0/24',
    'write cidr: 10.1.0.0/24',
  );
});

test('gateway, pool, address and next hop outside their subnet', async () => {
  const lines = [
    'networks:',
    '  - name: net1',
    '    subnets:',
    '      - cidr: 10.1.0.0/24',
    '        gateway: 10.2.0.1',
    '        allocationPools: [{ start: 10.1.0.0, end: 10.1.1.5 }]',
    '        hostRoutes: [{ destination: 192.168.0.0/24, nexthop: 10.9.9.9 }]',
    'workloads:',
    '  - { name: vm1, ports: [{ network: net1, address: 10.1.0.255 }] }',
  ];
  const result = await refused(lines);
  const hosts = 'use an address from 10.1.0.1 to 10.1.0.254';
  expectError(result, at(lines, 5, '10.2.0.1'), "networks[0].subnets[0].gateway: gateway 10.2.0.1 is outside subnet 'net1-0' (10.1.0.0/24)", hosts);
  expectError(result, at(lines, 6, '10.1.0.0'), "networks[0].subnets[0].allocationPools[0].start: pool start 10.1.0.0 is the network address of subnet 'net1-0'", hosts);
  expectError(result, at(lines, 6, '10.1.1.5'), "networks[0].subnets[0].allocationPools[0].end: pool end 10.1.1.5 is outside subnet 'net1-0'", hosts);
  expectError(
    result,
    at(lines, 7, '10.9.9.9'),
    "networks[0].subnets[0].hostRoutes[0].nexthop: next hop 10.9.9.9 is not on an attached subnet (attached: 'net1-0' (10.1.0.0/24))",
    'use the address of a neighbour',
  );
  expectError(result, at(lines, 9, '10.1.0.255'), "workloads[0].ports[0].address: address 10.1.0.255 is the broadcast address of subnet 'net1-0'", hosts);
});

test('a pool whose start is after its end, or that holds the gateway', async () => {
  const lines = [
    'networks:',
    '  - name: net1',
    '    subnets:',
    '      - cidr: 10.1.0.0/24',
    '        allocationPools:',
    '          - { start: 10.1.0.200, end: 10.1.0.10 }',
    '          - { start: 10.1.0.1, end: 10.1.0.5 }',
  ];
  const result = await refused(lines);
  expectError(
    result,
    at(lines, 6, '{'),
    'networks[0].subnets[0].allocationPools[0]: allocation pool start 10.1.0.200 is after its end 10.1.0.10',
    'swap them: { start: 10.1.0.10, end: 10.1.0.200 }',
  );
  expectError(result, at(lines, 7, '{'), 'networks[0].subnets[0].allocationPools[1]: allocation pool 10.1.0.1-10.1.0.5 contains the gateway 10.1.0.1', 'start the pool after the gateway');
});

test('duplicate names, per kind', async () => {
  const lines = [
    'tenants: [{ name: alpha }, { name: alpha2 }, { name: alpha }]',
    'networks:',
    '  - { name: net1, tenant: alpha, subnets: [{ name: s1, cidr: 10.1.0.0/24 }] }',
    '  - { name: net1, tenant: alpha, subnets: [{ name: s1, cidr: 10.2.0.0/24 }] }',
    'routers: [{ name: r1, tenant: alpha }, { name: r1, tenant: alpha }]',
    'securityGroups: [{ name: web, tenant: alpha }, { name: web, tenant: alpha }]',
    'workloads:',
    '  - { name: vm, tenant: alpha, count: 2, ports: [{ network: net1 }] }',
    '  - { name: vm-2, tenant: alpha, ports: [{ network: net1 }] }',
    'floatingIps: [{ name: fip1, tenant: alpha }, { name: fip1, tenant: alpha }]',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 1, 'alpha }', 2), "tenants[2].name: duplicate tenant name 'alpha' (first defined on line 1)", 'give each tenant its own name');
  expectError(result, at(lines, 4, 'net1'), "networks[1].name: duplicate network name 'net1' (first defined on line 3)", 'give each network its own name');
  expectError(result, at(lines, 4, 's1'), "networks[1].subnets[0].name: duplicate subnet name 's1' (first defined on line 3)", 'give each subnet its own name');
  expectError(result, at(lines, 5, 'r1', 2), "routers[1].name: duplicate router name 'r1' (first defined on line 5)", 'give each router its own name');
  expectError(result, at(lines, 6, 'web', 2), "securityGroups[1].name: duplicate security group name 'web' (first defined on line 6)", 'give each security group its own name');
  expectError(result, at(lines, 9, 'vm-2'), "workloads[1].name: duplicate workload name 'vm-2' (first defined on line 8)", 'give each workload its own name');
  expectError(result, at(lines, 10, 'fip1', 2), "floatingIps[1].name: duplicate floating IP name 'fip1' (first defined on line 10)", 'give each floating IP its own name');
});

test('dangling references name the closest existing object', async () => {
  const lines = [
    ...net1,
    'routers:',
    '  - { name: r1, interfaces: [nte1, { network: net1, subnet: net1-v6 }] }',
    'securityGroups:',
    '  - { name: web, rules: [{ direction: ingress, protocol: icmp, remoteGroup: wbe }] }',
    'workloads:',
    '  - { name: vm1, ports: [{ network: net2 }, { network: net1, securityGroups: [webb] }] }',
    'floatingIps:',
    '  - { name: fip1, workload: vm2 }',
    '  - { name: fip2, workload: vm1, port: 3 }',
    '  - { name: fip3, port: 0 }',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 5, 'nte1'), "routers[0].interfaces[0]: unknown network 'nte1'", "did you mean 'net1'?");
  expectError(result, at(lines, 5, 'net1-v6'), "routers[0].interfaces[1].subnet: network 'net1' has no subnet 'net1-v6'", "did you mean 'net1-v4'?");
  expectError(result, at(lines, 7, 'wbe'), "securityGroups[0].rules[0].remoteGroup: unknown security group 'wbe'", "did you mean 'web'?");
  expectError(result, at(lines, 9, 'net2'), "workloads[0].ports[0].network: unknown network 'net2'", "did you mean 'net1'?");
  expectError(result, at(lines, 9, 'webb'), "workloads[0].ports[1].securityGroups[0]: unknown security group 'webb'", "did you mean 'web'?");
  expectError(result, at(lines, 11, 'vm2'), "floatingIps[0].workload: unknown workload 'vm2'", "did you mean 'vm1'?");
  expectError(result, at(lines, 12, '3'), "floatingIps[1].port: workload 'vm1' has no port 3 (it has 2 ports)", 'use a port index from 0 to 1');
  expectError(result, at(lines, 13, '0'), 'floatingIps[2].port: a port is given but no workload', 'add workload: <name>, or remove port');
});

test('tenant references: unknown, missing among several, and across tenants', async () => {
  const lines = [
    'tenants: [{ name: alpha }, { name: beta }]',
    'networks:',
    '  - { name: net1, tenant: alpha, subnets: [{ cidr: 10.1.0.0/24 }] }',
    '  - { name: net2, tenant: gamma, subnets: [{ cidr: 10.2.0.0/24 }] }',
    'securityGroups: [{ name: web, tenant: beta }]',
    'routers: [{ name: r1, tenant: beta, interfaces: [net1] }]',
    'workloads:',
    '  - { name: vm1, tenant: beta, ports: [{ network: net1, securityGroups: [web] }] }',
    '  - { name: vm2, tenant: alpha, ports: [{ network: net1, securityGroups: [web] }] }',
    '  - { name: vm3, ports: [{ network: net1 }] }',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 4, 'gamma'), "networks[1].tenant: unknown tenant 'gamma'", 'use one of the tenants: alpha, beta');
  expectError(result, at(lines, 6, 'net1'), "routers[0].interfaces[0]: network 'net1' belongs to tenant 'alpha', but router 'r1' to tenant 'beta'", 'attach a router only to networks of its own tenant');
  expectError(
    result,
    at(lines, 8, 'net1'),
    "workloads[0].ports[0].network: network 'net1' belongs to tenant 'alpha', but workload 'vm1' to tenant 'beta'",
    'plug a workload only into networks of its own tenant',
  );
  expectError(result, at(lines, 9, 'web'), "workloads[1].ports[0].securityGroups[0]: security group 'web' belongs to tenant 'beta', not 'alpha'", "use only groups of the workload's own tenant");
  expectError(result, at(lines, 10, '{ name: vm3'), 'workloads[2]: no tenant given, and the topology has several (alpha, beta)', "add 'tenant: <name>'");
});

test('overlapping subnets in one tenant; different tenants may overlap', async () => {
  const lines = [
    'tenants: [{ name: alpha }, { name: beta }]',
    'networks:',
    '  - { name: net1, tenant: alpha, subnets: [{ cidr: 10.1.0.0/24 }] }',
    '  - { name: net2, tenant: beta, subnets: [{ cidr: 10.1.0.0/24 }] }',
    '  - { name: net3, tenant: alpha, subnets: [{ cidr: 10.1.0.128/25 }] }',
  ];
  const result = await refused(lines);
  expect(result.errors).toHaveLength(1);
  expectError(
    result,
    at(lines, 5, '10.1'),
    "networks[2].subnets[0].cidr: subnet 'net3-0' (10.1.0.128/25) overlaps subnet 'net1-0' (10.1.0.0/24, line 3) in tenant 'alpha'",
    'choose a CIDR that does not overlap',
  );
});

test('two fixed addresses equal in one subnet', async () => {
  const lines = [
    ...net1,
    'routers: [{ name: r1, interfaces: [net1] }]',
    'workloads:',
    '  - { name: vm1, ports: [{ network: net1, address: 10.1.0.7 }] }',
    '  - { name: vm2, ports: [{ network: net1, address: 10.1.0.7 }] }',
    '  - { name: vm3, ports: [{ network: net1, address: 10.1.0.1 }] }',
  ];
  const result = await refused(lines);
  const fix = 'give each port its own address, or leave it out to have one planned';
  expectError(result, at(lines, 7, '10.1'), "workloads[1].ports[0].address: address 10.1.0.7 in subnet 'net1-v4' is already taken by workload 'vm1' (line 6)", fix);
  expectError(result, at(lines, 8, '10.1'), "workloads[2].ports[0].address: address 10.1.0.1 in subnet 'net1-v4' is already taken by router 'r1' (line 4)", fix);
});

test('a router with two interfaces on the same subnet', async () => {
  const lines = [...net1, 'routers:', '  - { name: r1, interfaces: [net1, { network: net1, address: 10.1.0.2 }] }'];
  const result = await refused(lines);
  expectError(result, at(lines, 5, '{ network'), "routers[0].interfaces[1]: router 'r1' already has an interface on subnet 'net1-v4'", 'remove one: a router has one interface per subnet');
});

test('security group rules: ports without tcp/udp, both remotes, a reversed range', async () => {
  const lines = [
    ...net1,
    'securityGroups:',
    '  - name: web',
    '    rules:',
    '      - { direction: ingress, protocol: icmp, ports: 22 }',
    '      - { direction: ingress, protocol: tcp, remoteCidr: 10.1.0.0/24, remoteGroup: web }',
    '      - { direction: ingress, protocol: udp, ports: "2000-1000" }',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 7, '22'), 'securityGroups[0].rules[0].ports: ports apply only to tcp and udp, not icmp', 'remove ports, or set protocol: tcp or udp');
  expectError(result, at(lines, 8, '{'), 'securityGroups[0].rules[1]: a rule matches either remoteCidr or remoteGroup, not both', 'split it into two rules');
  expectError(result, at(lines, 9, '"2000'), "securityGroups[0].rules[2].ports: '2000-1000' is not a port range", 'write "<first>-<last>"');
});

test('a floating IP needs a router with an external gateway, and a replica name', async () => {
  const lines = [...net1, 'workloads: [{ name: web, count: 2, ports: [{ network: net1 }] }]', 'floatingIps:', '  - { name: fip1, workload: web }', '  - { name: fip2, workload: web-1 }'];
  const result = await refused(lines);
  expectError(result, at(lines, 6, 'web'), "floatingIps[0].workload: workload 'web' has 2 replicas", 'name one of them: web-1, web-2');
  expectError(
    result,
    at(lines, 7, '{'),
    "floatingIps[1]: floating IP 'fip2' cannot reach workload 'web-1': its subnet 'net1-v4' is not on a router with an external gateway",
    'attach the subnet to a router that has externalGateway',
  );
});

test('every error is reported at once, in file order', async () => {
  const lines = [
    'networks:',
    '  - { name: net1, subnets: [{ cidr: 10.1.0.1/24 }] }',
    'workloads:',
    '  - { name: vm1, ports: [{ network: net9 }] }',
    '  - { name: vm1, ports: [{ network: net1, address: 10.2.0.1 }] }',
  ];
  const result = await refused(lines);
  const places = result.errors.map((e) => e.slice(result.file.length + 1).split(': ')[0]);
  expect(places).toEqual([at(lines, 2, '10.1'), at(lines, 4, 'net9'), at(lines, 5, 'vm1'), at(lines, 5, '10.2')]);
});
