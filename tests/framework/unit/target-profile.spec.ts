import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { stringify } from 'yaml';
import { loadLabProfile } from '../../../lib/lab/profile';
import { loadTarget } from '../../../lib/target/load';
import { NetvetError, NetvetErrors } from '../../../lib/util/errors';
import { at } from './topology-support';

/**
 * Target files and lab profiles go through the same YAML reader as topologies: every mistake is
 * `file:line:column: field: message` on the node that is wrong, with a fix.
 */

/** A target as a QA engineer would write one, shaped like the one `lab up` writes. */
const target = [
  '# yaml-language-server: $schema=../schemas/target.schema.json',
  'version: 1',
  'name: lab-default',
  'orchestrator: ovn-northbound',
  'access:',
  '  ssh: { privateKey: /var/lib/netvet/labs/default/ssh/id_ed25519 }',
  'hosts:',
  '  - { name: ctl1, roles: [control], management: 10.240.0.11 }',
  '  - name: ch1',
  '    roles: [compute]',
  '    management: 10.240.0.21',
  '    data: { address: 10.240.1.21, interface: br-phy, uplinks: [eth0] }',
  '    integrationBridge: br-int',
  '  - name: gw1',
  '    roles: [gateway]',
  '    management: 10.240.0.41',
  '    data: { address: 10.240.1.41, interface: br-phy }',
  '  - { name: ext1, roles: [external], management: 10.240.2.2 }',
  'ovn:',
  '  northbound: tcp:10.240.0.11:6641',
  '  southbound: tcp:10.240.0.11:6642',
  '  northboundCluster: [{ host: ctl1, address: "tcp:10.240.0.11:6643" }]',
  '  northd: [ctl1]',
  'encapsulation: { current: geneve, supported: [geneve, vxlan] }',
  'externalNetwork:',
  '  physicalNetwork: physnet',
  '  cidr: 10.240.2.0/24',
  '  gateway: 10.240.2.1',
  '  floatingIpRange: { start: 10.240.2.100, end: 10.240.2.199 }',
  '  routerGatewayRange: { start: 10.240.2.10, end: 10.240.2.99 }',
  'capabilities: [ssh:hosts]',
];

async function yamlFile(lines: string[], name: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'netvet-yaml-')), name);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

/** Every formatted error a load throws; fails the test if it loads or throws anything but a user error. */
async function refused(load: Promise<unknown>): Promise<string[]> {
  const error = await load.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (error instanceof NetvetErrors) return error.errors.map((e) => e.format());
  expect(error, 'the file should have been refused with a NetvetError').toBeInstanceOf(NetvetError);
  return [(error as NetvetError).format()];
}

/** Asserts one error reads `file:where: field: message` and its fix line contains `fix`. */
function expectError(errors: string[], prefix: string, fix: string): void {
  const found = errors.find((e) => e.startsWith(prefix));
  expect(found, `no error starting with\n${prefix}\namong\n${errors.join('\n')}`).toBeDefined();
  expect(found).toContain(`\n  fix: ${fix}`);
  for (const text of errors) expect(text).not.toMatch(/\n\s+at /);
}

/** `lines` with line `n` (1-based) replaced. */
const replaced = (lines: string[], n: number, line: string) => lines.map((l, i) => (i === n - 1 ? line : l));

test('a valid target loads with its defaults and round-trips', async () => {
  const loaded = await loadTarget(await yamlFile(target, 'target.yaml'));
  expect(loaded.access.ssh).toEqual({ user: 'root', port: 22, privateKey: '/var/lib/netvet/labs/default/ssh/id_ed25519' });
  expect(loaded.hosts.map((h) => [h.name, h.roles, h.data?.uplinks])).toEqual([
    ['ctl1', ['control'], undefined],
    ['ch1', ['compute'], ['eth0']],
    ['gw1', ['gateway'], []],
    ['ext1', ['external'], undefined],
  ]);
  expect(loaded.ovn?.southboundCluster).toEqual([]);
  expect(loaded.workloads).toEqual({ mtu: 1500, namespacePrefix: 'nv-' });
  expect(await loadTarget(await yamlFile([stringify(loaded)], 'again.yaml'))).toEqual(loaded);
});

test('target: an unknown key is reported where it is written, with the key it was meant to be', async () => {
  const lines = replaced(target, 11, '    managment: 10.240.0.21');
  const file = await yamlFile(lines, 'target.yaml');
  const errors = await refused(loadTarget(file));
  expectError(errors, `${file}:${at(lines, 11, 'managment')}: hosts[1].managment: unknown key 'managment'`, "did you mean 'management'?");
  // The misspelt key is one mistake, not also a missing 'management'.
  expect(errors).toHaveLength(1);
});

test('target: wrong types and a bad enum, each at its value', async () => {
  const lines = replaced(replaced(target, 4, 'orchestrator: opnestack'), 10, '    roles: compute');
  const file = await yamlFile(lines, 'target.yaml');
  const errors = await refused(loadTarget(file));
  expectError(errors, `${file}:${at(lines, 4, 'opnestack')}: orchestrator: 'opnestack' is not one of: ovn-northbound, openstack`, "did you mean 'openstack'?");
  expect(errors).toContainEqual(`${file}:${at(lines, 10, 'compute')}: hosts[1].roles: expected a list, found 'compute'`);
  expect(errors).toHaveLength(2);
});

test('target: an address that is not one names the field and what it should be', async () => {
  const lines = replaced(target, 8, '  - { name: ctl1, roles: [control], management: ctl1.example }');
  const file = await yamlFile(lines, 'target.yaml');
  const errors = await refused(loadTarget(file));
  expectError(errors, `${file}:${at(lines, 8, 'ctl1.example')}: hosts[0].management: 'ctl1.example' is not an IPv4 address`, 'address the runner reaches the host on (SSH): write an IPv4 address such as 10.0.0.5');
});

test('target: a missing file names NETVET_TARGET or lab up as the fix', async () => {
  const saved = { target: process.env.NETVET_TARGET, state: process.env.NETVET_STATE_DIR };
  try {
    process.env.NETVET_TARGET = '/nonexistent/target.yaml';
    expect(await refused(loadTarget())).toEqual(['no target file at /nonexistent/target.yaml\n  fix: point NETVET_TARGET at an existing target file']);
    delete process.env.NETVET_TARGET;
    process.env.NETVET_STATE_DIR = await mkdtemp(join(tmpdir(), 'netvet-state-'));
    const [error] = await refused(loadTarget());
    expect(error).toBe(`no target file at ${process.env.NETVET_STATE_DIR}/labs/default/target.yaml\n  fix: bring the lab up first ('npx netvet lab up') or set NETVET_TARGET=<file>`);
  } finally {
    for (const [name, value] of [['NETVET_TARGET', saved.target], ['NETVET_STATE_DIR', saved.state]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
});

test('target: two hosts with one name', async () => {
  const lines = replaced(target, 14, '  - name: ch1');
  const file = await yamlFile(lines, 'target.yaml');
  expectError(await refused(loadTarget(file)), `${file}: hosts: host 'ch1' is listed twice`, 'give every host a unique name');
});

test('target: an empty file and a list instead of a mapping', async () => {
  const empty = await yamlFile(['# nothing yet'], 'empty.yaml');
  expectError(await refused(loadTarget(empty)), `${empty}:1:1: the target file is empty`, 'describe the deployment: version, name, orchestrator');
  const list = await yamlFile(['- ctl1'], 'list.yaml');
  expectError(await refused(loadTarget(list)), `${list}:1:1: expected a mapping, found a list`, 'describe the deployment');
});

test('the committed lab profiles load, with the defaults filled in', async () => {
  const vxlan = await loadLabProfile(fileURLToPath(new URL('../../../topologies/labs/vxlan.yaml', import.meta.url)));
  expect(vxlan).toMatchObject({ encapsulation: 'vxlan', controlPlane: { members: 3, northd: 2 }, chassis: { compute: 3, gateway: 1 }, addressRange: 'auto' });
  const small = await loadLabProfile(await yamlFile(['chassis: { compute: 1, gateway: 0 }', 'controlPlane: { members: 1 }'], 'small.yaml'));
  expect(small).toMatchObject({ chassis: { compute: 1, gateway: 0 }, controlPlane: { members: 1, northd: 2 }, mtu: { underlay: 1500, workload: 1400 } });
});

test('profile: unknown keys, wrong types and bad enums, each at its place with a suggestion', async () => {
  const lines = [
    'chassis:',
    '  compute: three',
    '  gateways: 1',
    'encapsulation: vxaln',
    'controlPlane: { members: 2 }',
    'addressRange: autp',
    'extra: 1',
  ];
  const file = await yamlFile(lines, 'profile.yaml');
  const errors = await refused(loadLabProfile(file));
  expect(errors).toContainEqual(`${file}:${at(lines, 2, 'three')}: chassis.compute: expected a number, found 'three'`);
  expectError(errors, `${file}:${at(lines, 3, 'gateways')}: chassis.gateways: unknown key 'gateways'`, "did you mean 'gateway'?");
  expectError(errors, `${file}:${at(lines, 4, 'vxaln')}: encapsulation: 'vxaln' is not one of: geneve, vxlan`, "did you mean 'vxlan'?");
  expectError(errors, `${file}:${at(lines, 5, '2')}: controlPlane.members: 2 is not one of: 1, 3, 5`, 'use one of: 1, 3, 5');
  expectError(errors, `${file}:${at(lines, 6, 'autp')}: addressRange: 'autp' is not valid here`, "did you mean 'auto'?");
  expectError(errors, `${file}:7:1: extra: unknown key 'extra'`, 'remove it; the keys allowed here are: $schema, description, controlPlane');
  expect(errors).toHaveLength(6);
});

test('profile: a workload MTU that leaves no room for tunnel headers', async () => {
  const lines = ['mtu:', '  underlay: 1500', '  workload: 1450'];
  const file = await yamlFile(lines, 'profile.yaml');
  expect(await refused(loadLabProfile(file))).toEqual([
    `${file}:3:13: mtu.workload: the workload MTU must leave 100 bytes of the underlay MTU for tunnel headers`,
  ]);
});

test('target: a capability no scenario can ask for is refused at its place, with the name it likely meant', async () => {
  const lines = replaced(target, target.length, 'capabilities: [ssh:hosts, snatt, encap:vxaln]');
  const file = await yamlFile(lines, 'target.yaml');
  const errors = await refused(loadTarget(file));
  expectError(errors, `${file}:${at(lines, lines.length, 'snatt')}: capabilities[1]: capability 'snatt' is not registered (lib/capabilities.ts)`, "did you mean 'snat'?");
  expectError(errors, `${file}:${at(lines, lines.length, 'encap:vxaln')}: capabilities[2]: capability 'encap:vxaln' is not registered`, "did you mean 'encap:vxlan'?");
});
