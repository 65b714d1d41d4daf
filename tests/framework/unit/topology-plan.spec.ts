import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { validateTopologies } from '../../../lib/cli/topology-validate';
import { loadTopology } from '../../../lib/topology';
import { at, expectError, loadLines, refused, topologyFile } from './topology-support';

/** The planner: defaults resolved the way Neutron resolves them, addresses and MACs planned deterministically. */

const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));

test('defaults: tenant, subnet name, gateway, pools, router address, name from the file', async () => {
  const lines = [
    'networks: [{ name: net1, subnets: [{ cidr: 10.1.0.0/24 }, { cidr: 10.1.1.0/24, gateway: none, dhcp: false }] }]',
    'routers: [{ name: r1, interfaces: [net1] }]',
    'workloads: [{ name: vm1, ports: [{ network: net1 }, { network: net1, subnet: net1-1 }] }]',
  ];
  const topology = await loadLines(lines);
  expect(topology.name).toBe('topo');
  expect(topology.tenants.map((t) => t.name)).toEqual(['default']);
  const [first, second] = topology.networks[0].subnets;
  expect(first).toMatchObject({ name: 'net1-0', tenant: 'default', cidr: '10.1.0.0/24', prefixLength: 24, netmask: '255.255.255.0', gateway: '10.1.0.1', dhcp: true });
  expect(first.allocationPools).toEqual([{ start: '10.1.0.2', end: '10.1.0.254' }]);
  expect(second).toMatchObject({ name: 'net1-1', gateway: null, dhcp: false, allocationPools: [{ start: '10.1.1.1', end: '10.1.1.254' }] });
  expect(topology.routers[0].interfaces).toMatchObject([{ network: 'net1', subnet: 'net1-0', address: '10.1.0.1', prefixLength: 24 }]);
  expect(topology.routers[0].externalGateway).toBeNull();
  const vm1 = topology.workloads[0];
  expect(vm1).toMatchObject({ name: 'vm1', group: 'vm1', tenant: 'default', forwarding: false });
  expect(vm1.ports).toMatchObject([
    { index: 0, interface: 'eth0', network: 'net1', subnet: 'net1-0', address: '10.1.0.2', prefixLength: 24, gateway: '10.1.0.1', portSecurity: false, securityGroups: [] },
    { index: 1, interface: 'eth1', subnet: 'net1-1', address: '10.1.1.1', gateway: null },
  ]);
  expect(`${vm1.source.line}:${vm1.source.column}`).toBe(at(lines, 3, '{ name: vm1'));
  expect(vm1.source.file).toBe(topology.file);
});

test('a gateway in the middle of the subnet splits the default pool around it', async () => {
  const topology = await loadLines(['networks: [{ name: net1, subnets: [{ cidr: 10.1.0.0/28, gateway: 10.1.0.9 }] }]']);
  expect(topology.networks[0].subnets[0].allocationPools).toEqual([
    { start: '10.1.0.1', end: '10.1.0.8' },
    { start: '10.1.0.10', end: '10.1.0.14' },
  ]);
});

test('count expands into replicas; planned addresses skip router, fixed and reserved addresses', async () => {
  const topology = await loadLines(
    [
      'networks: [{ name: net1, subnets: [{ cidr: 10.1.0.0/24, allocationPools: [{ start: 10.1.0.10, end: 10.1.0.13 }, { start: 10.1.0.50, end: 10.1.0.60 }] }] }]',
      'routers: [{ name: r1, interfaces: [{ network: net1, address: 10.1.0.10 }] }]',
      'workloads:',
      '  - { name: web, count: 3, ports: [{ network: net1, securityGroups: [] }] }',
      '  - { name: db, ports: [{ network: net1, address: 10.1.0.12 }] }',
      '  - { name: app, ports: [{ network: net1 }] }',
    ],
    { reserved: ['10.1.0.11', '192.168.0.1'] },
  );
  expect(topology.workloads.map((w) => [w.name, w.group, w.ports[0].address])).toEqual([
    ['web-1', 'web', '10.1.0.13'],
    ['web-2', 'web', '10.1.0.50'],
    ['web-3', 'web', '10.1.0.51'],
    ['db', 'db', '10.1.0.12'],
    ['app', 'app', '10.1.0.52'],
  ]);
  // An empty list is port security on with no group: everything is dropped.
  expect(topology.workloads[0].ports[0]).toMatchObject({ portSecurity: true, securityGroups: [] });
});

test('an exhausted pool is an error on the first port that finds it empty', async () => {
  const lines = ['networks: [{ name: net1, subnets: [{ cidr: 10.1.0.0/29 }] }]', 'workloads:', '  - { name: vm, count: 8, ports: [{ network: net1 }] }'];
  const result = await refused(lines);
  expect(result.errors).toHaveLength(1);
  expectError(
    result,
    at(lines, 3, '{ network'),
    "workloads[0].ports[0]: subnet 'net1-0' (10.1.0.0/29) has no free address left for workload 'vm-6' port eth0 and 2 more ports; its allocation pools hold 5",
    'widen the allocation pools or the CIDR, or lower the workload count',
  );
});

test('MACs: locally administered, unique, the same for the same seed, different for another seed', async () => {
  const file = await topologyFile([
    'networks: [{ name: net1, subnets: [{ cidr: 10.1.0.0/24 }] }]',
    'routers: [{ name: r1, interfaces: [net1] }]',
    'workloads: [{ name: vm, count: 3, ports: [{ network: net1 }] }]',
  ]);
  const macs = async (macSeed: string) => {
    const topology = await loadTopology(file, { macSeed });
    return [...topology.workloads.flatMap((w) => w.ports.map((p) => p.mac)), ...topology.routers[0].interfaces.map((i) => i.mac)];
  };
  const first = await macs('run-1/worker-0');
  expect(first).toHaveLength(4);
  for (const mac of first) expect(mac).toMatch(/^02(:[0-9a-f]{2}){5}$/);
  expect(new Set(first).size).toBe(4);
  expect(await macs('run-1/worker-0')).toEqual(first);
  const other = await macs('run-1/worker-1');
  expect(other.filter((mac) => first.includes(mac))).toEqual([]);
});

test('the whole plan is deterministic', async () => {
  const file = repo('topologies/security-group.yaml');
  expect(await loadTopology(file, { macSeed: 7 })).toEqual(await loadTopology(file, { macSeed: 7 }));
});

test('every example topology loads and names the published schema on its first line', async () => {
  const dir = repo('topologies');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml'));
  // New examples arrive with new features; each must pass the checks below, and these five must stay.
  expect(files).toEqual(expect.arrayContaining(['floating-ip.yaml', 'l2-two-chassis.yaml', 'l3-router.yaml', 'security-group.yaml', 'snat.yaml']));
  for (const name of files) {
    const text = await readFile(`${dir}/${name}`, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/topology.schema.json');
    const topology = await loadTopology(`${dir}/${name}`);
    expect(topology.name).toBe(name.replace('.yaml', ''));
    // 10.240.0.0/12 belongs to the lab's own infrastructure.
    for (const subnet of topology.networks.flatMap((n) => n.subnets)) expect(subnet.cidr).not.toMatch(/^10\.(24\d|25[0-5])\./);
  }
  const l2 = await loadTopology(`${dir}/l2-two-chassis.yaml`);
  expect(l2.workloads.map((w) => w.ports[0].cidr)).toEqual(['10.1.0.0/24', '10.1.0.0/24']);
  expect(l2.placement).toEqual([{ kind: 'spread', workloads: ['vm1', 'vm2'], source: expect.objectContaining({ line: 14 }) }]);
});

test('topology validate: ok per good file, every error of a bad one, exit code 1', async () => {
  const good = repo('topologies/l3-router.yaml');
  const badLines = ['networks: [{ name: net1, subnets: [{ cidr: 10.1.0.1/24 }] }]'];
  const bad = await topologyFile(badLines);
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (line: string) => out.push(line);
  console.error = (line: string) => err.push(line);
  try {
    expect(await validateTopologies([good])).toBe(0);
    expect(await validateTopologies([bad, good])).toBe(1);
  } finally {
    Object.assign(console, { log, error });
  }
  expect(out).toEqual([`${good}: ok (3 networks, 3 workloads)`, `${good}: ok (3 networks, 3 workloads)`]);
  expect(err).toEqual([`${bad}:${at(badLines, 1, '10.1')}: networks[0].subnets[0].cidr: 10.1.0.1/24 has host bits set; its network address is 10.1.0.0/24\n  fix: write cidr: 10.1.0.0/24`]);
});
