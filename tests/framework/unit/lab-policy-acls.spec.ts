import { expect, test } from '@playwright/test';
import { Names } from '../../../lib/orchestrators/ovn-northbound/names';
import { policyCommands } from '../../../lib/orchestrators/ovn-northbound/policies';
import { serviceChainCommands } from '../../../lib/orchestrators/ovn-northbound/service-chains';
import { NetvetError } from '../../../lib/util/errors';
import { loadLines } from './topology-support';

/** What the lab driver writes to the OVN northbound DB for policies and chains, read back from its ovn-nbctl commands. */

const networks = [
  'networks:',
  '  - { name: a, subnets: [{ cidr: 10.1.0.0/24 }] }',
  '  - { name: b, subnets: [{ cidr: 10.2.0.0/24 }, { cidr: 10.2.1.0/24 }] }',
  '  - { name: c, subnets: [{ cidr: 10.3.0.0/24 }] }',
];

/** The created ACLs as `switch priority action match`, from create + add command pairs. */
function acls(commands: string[][]): string[] {
  const created = new Map(commands.filter((c) => c[1] === 'create').map((c) => [c[0].slice('--id='.length), c]));
  return commands
    .filter((c) => c[0] === 'add')
    .map(([, , ls, , id]) => {
      const field = (name: string) => created.get(id)!.find((f) => f.startsWith(`${name}=`))!.slice(name.length + 1);
      return `${ls} ${field('priority')} ${field('action')} ${JSON.parse(field('match'))}`;
    });
}

test('policies: rules in file order across policies, deny default above allow default, both directions', async () => {
  const topology = await loadLines([
    ...networks,
    'policies:',
    '  - { name: p1, rules: [{ from: a, to: b, protocol: tcp, ports: 80, action: allow }, { from: a, to: b, protocol: icmp, action: deny, bidirectional: true }] }',
    '  - { name: p2, networks: [a, c], default: allow, rules: [{ from: c, to: a, protocol: udp, ports: 1-9, action: deny }] }',
  ]);
  expect(acls(policyCommands(new Names('t-'), topology))).toEqual([
    't-a 2000 allow-related ip4.src == {10.1.0.0/24} && ip4.dst == {10.2.0.0/24, 10.2.1.0/24} && tcp.dst == 80',
    't-a 1999 drop ip4.src == {10.1.0.0/24} && ip4.dst == {10.2.0.0/24, 10.2.1.0/24} && icmp4',
    't-b 1999 drop ip4.src == {10.2.0.0/24, 10.2.1.0/24} && ip4.dst == {10.1.0.0/24} && icmp4',
    't-a 1001 drop ip4.src == {10.1.0.0/24} && ip4.dst == {10.2.0.0/24, 10.2.1.0/24}',
    't-a 999 allow-related ip4.src == {10.1.0.0/24} && ip4.dst == {10.2.0.0/24, 10.2.1.0/24}',
    't-b 1001 drop ip4.src == {10.2.0.0/24, 10.2.1.0/24} && ip4.dst == {10.1.0.0/24}',
    't-b 999 allow-related ip4.src == {10.2.0.0/24, 10.2.1.0/24} && ip4.dst == {10.1.0.0/24}',
    't-c 1998 drop ip4.src == {10.3.0.0/24} && ip4.dst == {10.1.0.0/24} && udp.dst >= 1 && udp.dst <= 9',
    't-a 1000 allow-related ip4.src == {10.1.0.0/24} && ip4.dst == {10.3.0.0/24}',
    't-a 999 allow-related ip4.src == {10.1.0.0/24} && ip4.dst == {10.3.0.0/24}',
    't-c 1000 allow-related ip4.src == {10.3.0.0/24} && ip4.dst == {10.1.0.0/24}',
    't-c 999 allow-related ip4.src == {10.3.0.0/24} && ip4.dst == {10.1.0.0/24}',
  ]);
});

test('a policy over a port with security groups is refused, at the policy', async () => {
  const lines = [
    ...networks,
    'securityGroups: [{ name: g, rules: [] }]',
    'workloads: [{ name: vm, ports: [{ network: b, securityGroups: [g] }] }]',
    'policies: [{ name: p1, rules: [{ from: a, to: b, protocol: any, action: allow }] }]',
  ];
  const topology = await loadLines(lines);
  const error = (() => {
    try {
      policyCommands(new Names('t-'), topology);
    } catch (e) {
      return e as NetvetError;
    }
  })();
  expect(error).toBeInstanceOf(NetvetError);
  expect(error!.format()).toMatch(/:7:\d+: policy 'p1' covers network 'b', where workload 'vm' port eth0 has security groups/);
});

test('a chain: both directions rerouted by the router port they enter, to every instance', async () => {
  const topology = await loadLines([
    ...networks,
    'routers: [{ name: r1, interfaces: [a, b, c] }]',
    'workloads: [{ name: fw, count: 2, forwarding: true, ports: [{ network: c }] }]',
    'serviceChains: [{ name: ch, router: r1, left: a, right: b, instances: [fw] }]',
  ]);
  const creates = serviceChainCommands(new Names('t-'), topology).filter((c) => c[1] === 'create');
  expect(creates.map((c) => c.filter((f) => /^(priority|match|action|nexthops)=/.test(f)))).toEqual([
    ['priority=100', `match="inport == \\"t-r1-a\\" && ip4.src == {10.1.0.0/24} && ip4.dst == {10.2.0.0/24, 10.2.1.0/24}"`, 'action=reroute', 'nexthops=["10.3.0.2","10.3.0.3"]'],
    ['priority=100', `match="inport == \\"t-r1-b\\" && ip4.src == {10.2.0.0/24, 10.2.1.0/24} && ip4.dst == {10.1.0.0/24}"`, 'action=reroute', 'nexthops=["10.3.0.2","10.3.0.3"]'],
  ]);
});
