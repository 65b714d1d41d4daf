import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { Shell } from '../../../lib/access';
import { ovnNames } from '../../../lib/orchestrators/ovn-northbound/explain';
import { neutronNames } from '../../../lib/orchestrators/openstack/explain';
import type { Neutron } from '../../../lib/orchestrators/openstack/neutron';
import type { Deployment } from '../../../lib/orchestrators/types';
import { driftOf, type DriftRows } from '../../../lib/sdn/ovn/drift';
import { loadTopology } from '../../../lib/topology';

/**
 * Drift on real rows: tests/framework/fixtures/drift/topology.yaml applied to a lab (OVN 23.03) as
 * nvmc264-, then one thing broken behind netvet's back with ovn-nbctl or ovs-vsctl; NAME.rows.json
 * is what `readDriftRows` read then (the command that broke it is in each test).
 */
const dir = new URL('../fixtures/drift/', import.meta.url).pathname;
const json = <T>(file: string) => JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as T;
const rows = (name: string) => json<DriftRows>(`${name}.rows.json`);

async function deployment(sub = ''): Promise<Deployment> {
  const recorded = json<Omit<Deployment, 'topology'>>(`${sub}deployment.json`);
  // The MACs are planned from the prefix, as for the applied deployment.
  const topology = await loadTopology(`${dir}${sub}topology.yaml`, { macSeed: recorded.prefix });
  const shell = {} as Shell;
  const workloads = Object.fromEntries(Object.entries(recorded.workloads).map(([name, w]) => [name, { ...w, shell }]));
  return { ...recorded, topology, workloads };
}

const drift = async (name: string) => {
  const d = await deployment();
  return driftOf(rows(name), d, ovnNames(d));
};

test('an intact deployment has no drift', async () => {
  expect(await drift('intact')).toEqual([]);
});

test('a floating IP whose NAT rule was deleted (lr-nat-del nvmc264-r1 dnat_and_snat 10.241.2.100)', async () => {
  expect(await drift('fip-nat')).toEqual(['floating IP fip1 (10.241.2.100 -> vm1): its dnat_and_snat rule is gone from router r1']);
});

test('a floating IP whose NAT rule leads elsewhere', async () => {
  const changed = rows('intact');
  changed.northbound.NAT.find((n) => n.type === 'dnat_and_snat')!.logical_ip = '10.61.0.99';
  const d = await deployment();
  expect(driftOf(changed, d, ovnNames(d))).toEqual(["floating IP fip1 (10.241.2.100 -> vm1): its dnat_and_snat rule on router r1 leads to 10.61.0.99, not vm1's 10.61.0.2"]);
});

test('every ACL of a security group deleted (acl-del nvmc264_web)', async () => {
  expect(await drift('acls')).toEqual(['security group web: its 4 ACLs are gone from port group nvmc264_web']);
});

test('one ACL deleted: the count, and the rule named as the topology writes it', async () => {
  expect(await drift('acl-one')).toEqual(['security group web: 1 of its 4 ACLs is gone from port group nvmc264_web (rule "ingress tcp/80 from anywhere")']);
});

test('an ACL whose match was changed counts as gone, though the count is whole', async () => {
  const changed = rows('intact');
  const acl = changed.northbound.ACL.find((a) => a.match.includes('tcp.dst >= 5000'))!;
  acl.match = acl.match.replace('5001', '5002');
  const d = await deployment();
  expect(driftOf(changed, d, ovnNames(d))).toEqual(['security group web: 1 of its 4 ACLs is gone from port group nvmc264_web (rule "ingress tcp/5000-5001 from anywhere")']);
  // A driver that cannot tell rules apart is left with the count, which is whole.
  expect(driftOf(changed, d, { ...ovnNames(d), ruleOfAcl: undefined })).toEqual([]);
});

test('a router that lost its SNAT rule (lr-nat-del nvmc264-r1 snat 10.61.0.0/24)', async () => {
  expect(await drift('snat')).toEqual(['router r1 lost its SNAT rule for 10.61.0.0/24']);
});

test('a router that lost its static route (lr-route-del nvmc264-r1 192.168.61.0/24)', async () => {
  expect(await drift('route')).toEqual(['router r1 lost its static route 192.168.61.0/24 via 10.62.0.10']);
});

test('a port forwarding whose VIP was removed from its load balancer', async () => {
  expect(await drift('pf')).toEqual(['floating IP pf: its port forwarding udp/7007 -> vm2:7 is gone from router r1']);
});

test('a chassis switched to VXLAN (ovs-vsctl set open . external_ids:ovn-encap-type=vxlan on ch2)', async () => {
  expect(await drift('encap')).toEqual(['chassis ch2 tunnels with vxlan, its peers with geneve']);
});

test("a gateway port moved to a chassis that is not registered (lrp-set-gateway-chassis nvmc264-r1-gw gw9, gw1's row deleted)", async () => {
  expect(await drift('gateway')).toEqual(["router r1's gateway port is bound to chassis 'gw9', which is not registered"]);
});

test('an unregistered chassis preferred over the registered one is said last (traffic still flows)', async () => {
  const d = await deployment();
  const both = rows('gateway-preferred');
  both.northbound.NAT = both.northbound.NAT.filter((n) => n.type !== 'snat' || n.logical_ip !== '10.61.0.0/24');
  both.northbound.Logical_Router[0].nat = both.northbound.NAT.map((n) => n._uuid).join(' ');
  expect(driftOf(both, d, ovnNames(d))).toEqual(['router r1 lost its SNAT rule for 10.61.0.0/24', "router r1's gateway port prefers chassis 'gw9', which is not registered, so it runs on gw1"]);
});

test('a workload port whose MAC was changed (lsp-set-addresses)', async () => {
  expect(await drift('port-mac')).toEqual(['workload vm2\'s port 0 (nvmc264-vm2-0) has addresses "02:ee:5a:02:00:99 10.62.0.10", not its planned 02:ee:5a:02:00:01 10.62.0.10']);
});

test('a workload port taken out of its port group (clear port_group nvmc264_ssh ports)', async () => {
  expect(await drift('pg-member')).toEqual(["security group ssh: workload vm2's port 0 is no longer in port group nvmc264_ssh"]);
});

test('a switch, a router and a port group deleted: each said once, nothing under them again', async () => {
  // pg-del nvmc264_web -- lr-del nvmc264-r1 -- ls-del nvmc264-net2: vm2's port, r1's NAT rules, routes and port forwardings went with them.
  expect(await drift('gone')).toEqual(['network net2: its logical switch nvmc264-net2 is gone', 'router r1: its logical router nvmc264-r1 is gone', 'security group web: its port group nvmc264_web is gone']);
});

test('a workload port deleted, and a chassis that announces no tunnel', async () => {
  const changed = rows('intact');
  changed.northbound.Logical_Switch_Port = changed.northbound.Logical_Switch_Port.filter((p) => p.name !== 'nvmc264-vm1-0');
  changed.southbound.Encap = changed.southbound.Encap.filter((e) => e.chassis_name !== 'ch3');
  const d = await deployment();
  expect(driftOf(changed, d, ovnNames(d))).toEqual(["workload vm1's port 0 (nvmc264-vm1-0) is gone from network net1", 'chassis ch3 announces no tunnel, its peers tunnel with geneve']);
});

test('the drop group: its ACLs deleted and a port taken out of it (acl-del nvmc264_drop_ -- pg-set-ports nvmc264_drop_ nvmc264-vm1-0)', async () => {
  const changed = rows('intact');
  const pg = changed.northbound.Port_Group.find((g) => g.name === 'nvmc264_drop_')!;
  const vm2 = changed.northbound.Logical_Switch_Port.find((p) => p.name === 'nvmc264-vm2-0')!;
  expect(pg.acls.split(' ')).toHaveLength(3);
  pg.acls = '';
  pg.ports = pg.ports.split(' ').filter((u) => u !== vm2._uuid).join(' ');
  const d = await deployment();
  expect(driftOf(changed, d, ovnNames(d))).toEqual([
    'security groups: the 3 ACLs of port group nvmc264_drop_, which drop what no rule allows, are gone',
    "workload vm2's port 0 is no longer in port group nvmc264_drop_, so what no rule allows passes to and from it",
  ]);
  changed.northbound.Port_Group = changed.northbound.Port_Group.filter((g) => g !== pg);
  expect(driftOf(changed, d, ovnNames(d))).toEqual(['security groups: port group nvmc264_drop_, which drops what no rule allows, is gone, so everything passes']);
});

test('a driver that cannot name routers or port groups: those are skipped, the rest still judged', async () => {
  const d = await deployment();
  const names = { ...ovnNames(d), logicalRouterOf: undefined, portGroupOf: undefined };
  expect(driftOf(rows('acls'), d, names)).toEqual([]);
  expect(driftOf(rows('encap'), d, names)).toEqual(['chassis ch2 tunnels with vxlan, its peers with geneve']);
});

/**
 * The same topology built through OpenStack (openstack.yaml lab, Neutron Zed ML2/OVN) as nvma2c6-:
 * openstack/neutron.json is what neutronNames read from Neutron and the northbound DB then,
 * replayed here so OVN's names come from the driver's own lookup.
 */
async function replayedNames(d: Deployment) {
  const recorded = json<{ neutron: Record<string, unknown>; northbound: Record<string, Array<Record<string, string>>> }>('openstack/neutron.json');
  const replay = (key: string) => {
    if (!(key in recorded.neutron)) throw new Error(`neutronNames asked Neutron for ${key}, which the fixture did not record`);
    return Promise.resolve(recorded.neutron[key]);
  };
  const neutron = { list: (kind: string) => replay(`list ${kind}`), get: (kind: string, id: string) => replay(`get ${kind} ${id}`) } as unknown as Neutron;
  const nb = { list: (table: string, columns: string[]) => Promise.resolve(recorded.northbound[`${table} ${columns.join(',')}`]) };
  return neutronNames(nb, neutron, d);
}

async function throughNeutron(name: string): Promise<string[]> {
  const d = await deployment('openstack/');
  return driftOf(rows(`openstack/${name}`), d, await replayedNames(d));
}

test('through OpenStack: an intact deployment has no drift, and Neutron names what drift looks at', async () => {
  expect(await throughNeutron('intact')).toEqual([]);
  const d = await deployment('openstack/');
  const names = await replayedNames(d);
  expect(names.logicalRouterOf!('r1')).toBe('neutron-e3de4dcc-b618-4389-a179-51f0525c949e');
  expect(names.portGroupOf!('web')).toBe('pg_b499b53b_764a_46ff_9396_2f1552a1253e');
  expect(names.logicalPortOf!('vm1', 0)).toBe(d.workloads.vm1.ports[0].id);
  // Each of web's 4 rules found by its ACL's neutron:security_group_rule_id.
  const pg = rows('openstack/intact').northbound.Port_Group.find((g) => g.name === names.portGroupOf!('web'))!;
  const acls = rows('openstack/intact').northbound.ACL.filter((a) => pg.acls.split(' ').includes(a._uuid));
  expect(acls.map((a) => names.ruleOfAcl!('web', a)).sort()).toEqual([0, 1, 2, 3]);
});

test('through OpenStack: a floating IP whose NAT rule was deleted', async () => {
  expect(await throughNeutron('fip-nat')).toEqual(['floating IP fip1 (10.241.2.111 -> vm1): its dnat_and_snat rule is gone from router r1']);
});

test("through OpenStack: one ACL deleted, its rule named by Neutron's rule id", async () => {
  expect(await throughNeutron('acl-one')).toEqual(['security group web: 1 of its 4 ACLs is gone from port group pg_b499b53b_764a_46ff_9396_2f1552a1253e (rule "ingress tcp/80 from anywhere")']);
});
