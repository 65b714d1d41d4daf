import { expect, test } from '@playwright/test';
import { at, expectError, loadLines, refused } from './topology-support';

/** Service chains and network policies: resolved into the model, and every wrong reference reported on its node. */

const base = [
  'networks:',
  '  - { name: left, subnets: [{ cidr: 10.1.0.0/24 }] }',
  '  - { name: right, subnets: [{ cidr: 10.2.0.0/24 }] }',
  '  - { name: svc, subnets: [{ cidr: 10.3.0.0/24 }] }',
  '  - { name: lonely, subnets: [{ cidr: 10.4.0.0/24 }] }',
  'routers:',
  '  - { name: r1, interfaces: [left, right, svc] }',
  'workloads:',
  '  - { name: fw, count: 2, forwarding: true, ports: [{ network: svc }] }',
  '  - { name: plain, ports: [{ network: svc }] }',
  '  - { name: onleft, forwarding: true, ports: [{ network: left }] }',
  '  - { name: secured, forwarding: true, ports: [{ network: svc, securityGroups: [], allowedAddressPairs: [10.1.0.0/16] }] }',
];

test('a chain expands instance groups; a policy is attached to the networks its rules name', async () => {
  const topology = await loadLines([
    ...base,
    'serviceChains:',
    '  - { name: c1, router: r1, left: left, right: right, instances: [fw] }',
    'policies:',
    '  - name: p1',
    '    rules:',
    '      - { from: left, to: right, protocol: tcp, ports: 1000-2000, action: allow, bidirectional: true }',
    '      - { from: right, to: svc, protocol: icmp, action: deny }',
  ]);
  expect(topology.serviceChains).toMatchObject([
    { name: 'c1', tenant: 'default', router: 'r1', left: 'left', right: 'right', mode: 'ecmp', instances: [{ workload: 'fw-1', port: 0, network: 'svc' }, { workload: 'fw-2', port: 0, network: 'svc' }] },
  ]);
  expect(topology.policies).toMatchObject([
    {
      name: 'p1',
      networks: ['left', 'right', 'svc'],
      default: 'deny',
      rules: [
        { from: 'left', to: 'right', protocol: 'tcp', ports: { min: 1000, max: 2000 }, action: 'allow', bidirectional: true },
        { from: 'right', to: 'svc', protocol: 'icmp', ports: null, action: 'deny', bidirectional: false },
      ],
    },
  ]);
});

test('service chain references: router, networks, instances', async () => {
  const lines = [
    ...base,
    'serviceChains:',
    '  - { name: c1, router: r2, left: left, right: right, instances: [fw] }',
    '  - { name: c2, router: r1, left: left, right: lonely, instances: [plain] }',
    '  - { name: c3, router: r1, left: left, right: right, instances: [fw-1, onleft, nosuch, secured] }',
    '  - { name: c4, router: r1, left: right, right: left, instances: [fw] }',
    '  - { name: c5, router: r1, left: svc, right: svc, instances: [fw] }',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 14, 'r2'), "serviceChains[0].router: unknown router 'r2'", "did you mean 'r1'?");
  expectError(result, at(lines, 15, 'lonely'), "serviceChains[1].right: network 'lonely' is not on router 'r1'", 'add lonely to the interfaces of router');
  expectError(result, at(lines, 15, 'plain'), "serviceChains[1].instances[0]: workload 'plain' does not forward, so it cannot be a service instance", "add 'forwarding: true' to workload 'plain'");
  expectError(result, at(lines, 16, 'onleft'), "serviceChains[2].instances[1]: workload 'onleft' has no port on a service network of router 'r1'", 'give it a port on one of: svc');
  expectError(result, at(lines, 16, 'nosuch'), "serviceChains[2].instances[2]: unknown workload 'nosuch'", 'use one of the workloads');
  expectError(result, at(lines, 16, 'secured'), "serviceChains[2].instances[3]: port eth0 of workload 'secured' has port security, which drops the traffic it forwards from 10.2.0.0/24", 'add allowedAddressPairs: [10.2.0.0/24]');
  expectError(result, at(lines, 17, '{ name: c4'), "serviceChains[3]: service chain 'c4' steers the same traffic as the chain on line 16", 'list all its instances in one chain');
  expectError(result, at(lines, 18, 'svc', 2), "serviceChains[4].right: left and right are both network 'svc'", 'a chain joins two different networks');
  expect(result.errors).toHaveLength(8);
});

test('policy references: networks, attachment, rules', async () => {
  const lines = [
    ...base,
    'policies:',
    '  - { name: p1, rules: [{ from: left, to: left, protocol: icmp, ports: 5, action: allow }] }',
    '  - { name: p2, networks: [left, right, left], rules: [{ from: svc, to: rigth, protocol: tcp, ports: 22, action: deny }] }',
    '  - { name: p1, networks: [left, right], rules: [{ from: left, to: right, protocol: udp, ports: 9-3, action: deny }] }',
  ];
  const result = await refused(lines);
  expectError(result, at(lines, 14, '{ name: p1'), "policies[0]: policy 'p1' is attached to only network 'left'", "add rules between two networks, or list them in 'networks'");
  expectError(result, at(lines, 14, 'left', 2), "policies[0].rules[0].to: the rule goes from network 'left' to itself", 'a policy governs connections between two networks');
  expectError(result, at(lines, 14, '5'), 'policies[0].rules[0].ports: ports apply only to tcp and udp, not icmp', 'remove ports');
  expectError(result, at(lines, 15, 'left', 2), "policies[1].networks[2]: network 'left' is listed twice", 'list each network once');
  expectError(result, at(lines, 15, 'svc'), "policies[1].rules[0].from: network 'svc' is not attached to policy 'p2'", "add svc to the policy's networks, or use one of: left, right");
  expectError(result, at(lines, 15, 'rigth'), "policies[1].rules[0].to: unknown network 'rigth'", "did you mean 'right'?");
  expectError(result, at(lines, 16, 'p1'), "policies[2].name: duplicate policy name 'p1' (first defined on line 14)", 'give each policy its own name');
  expectError(result, at(lines, 16, '9-3'), "policies[2].rules[0].ports: '9-3' is not a port range", 'write "<first>-<last>"');
  expect(result.errors).toHaveLength(8);
});
