import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { z } from 'zod';
import { RunJournal } from '../../../lib/orchestrators';
import { build } from '../../../lib/orchestrators/lifecycle';
import { afterOperation, replayOperations } from '../../../lib/orchestrators/operations';
import { ORCHESTRATORS, orchestratorKind } from '../../../lib/orchestrators/registry';
import type { Deployment, Orchestrator } from '../../../lib/orchestrators/types';
import { sdnKind } from '../../../lib/sdn/registry';
import { capabilitiesOf } from '../../../lib/target/capabilities';
import { TargetHosts } from '../../../lib/target/hosts';
import { targetSchema, type Target } from '../../../lib/target/schema';
import { loadTopology } from '../../../lib/topology';
import { NetvetError } from '../../../lib/util/errors';
import { deepFreeze } from '../../../lib/util/freeze';
import { withStateDir } from '../support/state';

/** The orchestrator core: capabilities derived in one place, run-time operations as pure data, journals that keep the plan. */

const target: Target = targetSchema.parse({
  version: 1,
  name: 'unit',
  orchestrator: 'ovn-northbound',
  access: { ssh: { privateKey: '/nonexistent' } },
  hosts: [{ name: 'h1', roles: ['compute'], management: '10.0.0.1' }],
  ovn: { northbound: 'tcp:10.0.0.1:6641', southbound: 'tcp:10.0.0.1:6642' },
  encapsulation: { current: 'geneve', supported: ['geneve', 'vxlan'] },
  openstack: { cloud: 'x', servers: 'port-binding' },
  capabilities: ['ssh:hosts', 'fip', 'gui:horizon', 'orchestrator:stale'],
});

test('capabilities: the SDN, the sections a driver builds and the target facts, less what the driver cannot drive', () => {
  const direct = capabilitiesOf(target, sdnKind('ovn'), orchestratorKind('ovn-northbound'));
  expect(direct.sort()).toEqual(['encap:geneve', 'encap:switchable', 'encap:vxlan', 'fip', 'mirror', 'orchestrator:ovn-northbound', 'ovn:trace', 'policy', 'sdn:ovn', 'security-group', 'service-chain', 'ssh:hosts']);
  const neutron = capabilitiesOf(target, sdnKind('ovn'), orchestratorKind('openstack'));
  expect(neutron.sort()).toEqual(['encap:geneve', 'fip', 'gui:horizon', 'orchestrator:openstack', 'ovn:trace', 'sdn:ovn', 'security-group', 'ssh:hosts']);
  const withoutDatabases = capabilitiesOf({ ...target, ovn: undefined, encapsulation: { current: 'geneve', supported: ['geneve'] } }, sdnKind('ovn'), orchestratorKind('openstack'));
  expect(withoutDatabases).not.toContain('ovn:trace');
  expect(withoutDatabases).not.toContain('encap:switchable');
  // A BGP VPN through bagpipe-bgp: its one encapsulation, no security groups, floating IPs or dashboard.
  const bgpvpn = { asn: 64512, routeReflector: { host: 'h1', address: '10.0.0.1', api: '10.0.0.1:50051' }, providerEdges: [{ host: 'h1', api: 'http://10.0.0.1:8082', bridge: 'br-mpls' }] };
  const vpn = capabilitiesOf({ ...target, sdn: 'bgpvpn', bgpvpn, encapsulation: { current: 'mplsogre', supported: ['mplsogre'] } }, sdnKind('bgpvpn'), orchestratorKind('bagpipe'));
  expect(vpn.sort()).toEqual(['encap:mplsogre', 'orchestrator:bagpipe', 'sdn:bgpvpn', 'ssh:hosts']);
});

test('registries: every driver and SDN by name, an unknown one named with the list', () => {
  expect(ORCHESTRATORS.map((k) => k.name)).toEqual(['ovn-northbound', 'openstack', 'bagpipe', 'vmware']);
  expect(() => orchestratorKind('kubernetes')).toThrow(new NetvetError("netvet has no orchestrator 'kubernetes'", 'use one of: ovn-northbound, openstack, bagpipe, vmware'));
  expect(() => sdnKind('contrail')).toThrow(/netvet knows no SDN 'contrail'/);
  expect(targetSchema.safeParse({ ...target, orchestrator: 'lab' }).success).toBe(false);
});

test('operations: each run-time change gives a new frozen deployment and leaves the old one as it was', async () => {
  const topology = await loadTopology('topologies/sg-runtime.yaml', { macSeed: 'nvu-' });
  const fip = { name: 'fip1', address: '192.0.2.10', workload: null, port: null };
  const built: Deployment = deepFreeze({ topology, prefix: 'nvu-', workloads: {}, routers: {}, floatingIps: { fip1: fip } });
  const rule = { direction: 'ingress', protocol: 'tcp', ports: 5000 } as const;

  const added = afterOperation(built, { op: 'add-security-group-rule', group: 'web', rule });
  const web = (d: Deployment) => d.topology.securityGroups.find((g) => g.name === 'web')!.rules;
  expect(web(added)).toHaveLength(web(built).length + 1);
  expect(web(afterOperation(added, { op: 'remove-security-group-rule', group: 'web', rule }))).toEqual(web(built));
  expect(Object.isFrozen(web(added))).toBe(true);
  expect(() => (web(added) as unknown[]).push(1)).toThrow(TypeError);

  const bound = replayOperations(built, [{ op: 'associate-floating-ip', floatingIp: 'fip1', workload: 'client', port: 0 }]);
  expect(bound.floatingIps.fip1).toEqual({ ...fip, workload: 'client', port: 0 });
  expect(built.floatingIps.fip1.workload).toBeNull();
  expect(() => afterOperation(built, { op: 'disassociate-floating-ip', floatingIp: 'nope' })).toThrow(/has no floating IP 'nope'/);
  expect(() => afterOperation(built, { op: 'add-security-group-rule', group: 'nope', rule })).toThrow(/has no security group 'nope'/);
});

test('journal: it keeps the plan, reads undo records only through the driver schema, and operations in order', async () => {
  await withStateDir(async () => {
    const plan = await loadTopology('topologies/security-group.yaml', { macSeed: 'nvj-' });
    const journal = RunJournal.create('nvj-', { targetFile: '/nonexistent', orchestrator: 'ovn-northbound', topologyFile: resolve('topologies/security-group.yaml'), plan });
    expect(journal.header()?.plan).toEqual(JSON.parse(JSON.stringify(plan)));
    journal.record('logical switch nvj-net1', { nb: ['ls-del', 'nvj-net1'] });
    journal.record('something else', { rm: '-rf /' });
    const nbOnly = z.object({ nb: z.array(z.string()) }).strict();
    expect(() => journal.undoEntries(nbOnly)).toThrow(/undo record "something else" \(1 from the end\) is not one this driver writes/);
    journal.recordOperation({ op: 'set-policy-rule-action', policy: 'p', rule: 0, action: 'deny' });
    journal.recordOperation({ op: 'disassociate-floating-ip', floatingIp: 'f' });
    expect(journal.operations().map((o) => o.op)).toEqual(['set-policy-rule-action', 'disassociate-floating-ip']);
  });
});

test('build: a section the driver does not build is refused before anything is journaled or made', async () => {
  await withStateDir(async () => {
    let applied = false;
    const neutronOnly = { name: 'openstack', apply: () => Promise.resolve((applied = true)) } as unknown as Orchestrator;
    await expect(build({ orchestrator: neutronOnly, targetFile: '/nonexistent' }, 'topologies/network-policy.yaml', 'nvb-')).rejects.toThrow(
      /topology network-policy has network policies, which the openstack orchestrator does not build/,
    );
    expect(applied).toBe(false);
    expect(RunJournal.all()).toEqual([]);
  });
});

test('build: a target whose database does not answer is named, and leaves no journal behind', async () => {
  // Loopback port 1: refused at once, and no packet leaves the machine.
  const unreachable: Target = { ...target, ovn: { ...target.ovn!, northbound: 'tcp:127.0.0.1:1' } };
  const hosts = new TargetHosts(unreachable);
  try {
    await withStateDir(async () => {
      const orchestrator = await orchestratorKind('ovn-northbound').open(unreachable, hosts);
      await expect(build({ orchestrator, targetFile: '/nonexistent' }, 'topologies/security-group.yaml', 'nvr-')).rejects.toThrow(
        new NetvetError('the OVN northbound database at tcp:127.0.0.1:1 does not answer', 'check the target file (ovn.northbound) and that the database runs'),
      );
      expect(RunJournal.all()).toEqual([]);
    });
  } finally {
    await hosts.close();
  }
});
