import type { Router as TopologyRouter, Topology } from '../../topology';
import type { RunJournal } from '../journal';
import type { Built } from './built';
import type { Undo } from './cleanup';
import type { Neutron, Port, Router } from './neutron';

/**
 * A topology router in Neutron, owned by its tenant's project: its interfaces on ports with the
 * planned addresses, its static routes, and its gateway on the external network (`external()`).
 * Returns the gateway's address, or null without one. `admin` does what Neutron's policy leaves to
 * an admin.
 */
export async function createRouter(admin: Neutron, external: () => Promise<string>, b: Built, topology: Topology, router: TopologyRouter, name: (n: string) => string, journal: RunJournal): Promise<string | null> {
  const t = b.tenants.get(router.tenant)!;
  journal.record(`router ${name(router.name)}`, { neutron: 'router', projectId: t.projectId, name: name(router.name) } satisfies Undo);
  const created = await t.neutron.create<Router>('router', { name: name(router.name) });
  for (const iface of router.interfaces) {
    // A port with the planned address and MAC, so the router answers where the topology says it does.
    const portName = name(`${router.name}-${iface.network}`);
    journal.record(`port ${portName}`, { neutron: 'port', projectId: t.projectId, name: portName } satisfies Undo);
    // Made by the admin for the router's project: on another tenant's shared network, addresses are the owner's to pick.
    const port = await admin.create<Port>('port', {
      name: portName,
      project_id: t.projectId,
      network_id: b.networks.get(iface.network),
      fixed_ips: [{ subnet_id: b.subnets.get(iface.subnet), ip_address: iface.address }],
      mac_address: iface.mac,
    });
    journal.record(`interface of ${name(router.name)} on ${name(iface.subnet)}`, { routerInterface: { projectId: t.projectId, router: name(router.name), subnet: name(iface.subnet) } } satisfies Undo);
    // An address outside the pool of another tenant's (shared) subnet is an admin's to give a router.
    const owner = b.tenants.get(topology.networks.find((n) => n.name === iface.network)!.tenant);
    await (owner === t ? t.neutron : admin).addRouterInterface(created.id, { port_id: port.id });
  }
  if (router.routes.length) await t.neutron.update('router', created.id, { routes: router.routes });
  if (!router.externalGateway) return null;
  const { snat, address } = router.externalGateway;
  // enable_snat and a fixed gateway address are an admin's to set (Neutron's default policy).
  const updated = await admin.update<Router>('router', created.id, {
    external_gateway_info: { network_id: await external(), enable_snat: snat, ...(address ? { external_fixed_ips: [{ ip_address: address }] } : {}) },
  });
  const gatewayPorts = await admin.list<Port>('port', { device_id: created.id, device_owner: 'network:router_gateway' });
  await admin.waitForStatus('port', gatewayPorts.map((p) => p.id), () => 'ACTIVE');
  return updated.external_gateway_info?.external_fixed_ips?.[0]?.ip_address ?? null;
}
