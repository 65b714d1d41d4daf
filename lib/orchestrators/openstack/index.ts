import type { OrchestratorKind } from '../types';

/**
 * What Neutron (ML2, without networking-sfc or tap-as-a-service) cannot do with the SDN under it:
 * switch the encapsulation of existing networks, mirror ports.
 */
const UNMODELLED = new Set(['encap:switchable', 'mirror']);

/** OpenStack: Keystone projects, Neutron networks and routers, servers through Nova or bound ports. */
export const openstack: OrchestratorKind = {
  name: 'openstack',
  summary: 'builds the topology through Keystone, Neutron and Nova as a tenant would',
  builds: ['securityGroups'],
  // Tenant networks use the encapsulation the SDN runs: Neutron cannot choose another.
  keeps: (capability, target) => !UNMODELLED.has(capability) && (!capability.startsWith('encap:') || capability === `encap:${target.encapsulation.current}`),
  problem: (target) => (target.openstack ? undefined : "add openstack: { cloud } to the target file, or bring up the OpenStack lab ('netvet lab up --name ostack --profile topologies/labs/openstack.yaml')"),
  open: async (target, hosts) => new (await import('./driver')).OpenStackOrchestrator(target, hosts),
};
