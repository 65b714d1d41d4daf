import { z } from 'zod';
import { workloadUndo } from '../shared/workload';
import type { Keystone } from './keystone';
import type { FloatingIp, Neutron, Port, Router, SecurityGroup } from './neutron';
import type { Nova } from './nova';

/**
 * Undo records of the OpenStack driver, as written to the run journal before each create. Ids are
 * not known before a create, so records name the resource (every name carries the deployment
 * prefix) and the project it is made in; undo finds it by name, deletes it, and takes a 404 for done.
 */
export const undoSchema = z.union([
  z.object({ project: z.string() }).strict(),
  z.object({ user: z.string() }).strict(),
  z.object({ server: z.string(), projectId: z.string() }).strict(),
  z.object({ neutron: z.enum(['network', 'subnet', 'router', 'security_group', 'port']), projectId: z.string(), name: z.string() }).strict(),
  z.object({ floatingIp: z.string(), projectId: z.string() }).strict(),
  z.object({ routerInterface: z.object({ projectId: z.string(), router: z.string(), subnet: z.string() }).strict() }).strict(),
  workloadUndo,
]);
export type Undo = z.infer<typeof undoSchema>;

/** Undoes one Nova, Neutron or Keystone record with the admin's clients (no Nova: the cloud boots no servers); workloads are the driver's. */
export async function undoRecord(undo: Exclude<Undo, { workload: unknown }>, neutron: Neutron, keystone: Keystone, nova?: Nova): Promise<void> {
  if ('project' in undo) {
    for (const project of await keystone.projects(undo.project)) {
      await purgeProject(neutron, project.id, nova);
      await keystone.deleteProject(project.id);
    }
  } else if ('server' in undo) {
    for (const server of (await nova?.servers(undo.projectId, undo.server)) ?? []) await nova!.delete(server.id);
  } else if ('user' in undo) {
    for (const user of await keystone.users(undo.user)) await keystone.deleteUser(user.id);
  } else if ('neutron' in undo) {
    for (const found of await neutron.list<{ id: string }>(undo.neutron, { project_id: undo.projectId, name: undo.name })) await neutron.delete(undo.neutron, found.id);
  } else if ('floatingIp' in undo) {
    const fips = await neutron.list<FloatingIp>('floatingip', { project_id: undo.projectId });
    for (const fip of fips.filter((f) => f.description === undo.floatingIp)) {
      await neutron.removePortForwardings(fip.id);
      await neutron.delete('floatingip', fip.id);
    }
  } else {
    const { projectId, router, subnet } = undo.routerInterface;
    const [routers, subnets] = await Promise.all([
      neutron.list<Router>('router', { project_id: projectId, name: router }),
      // By name alone: the subnet may be another tenant's (a shared network), and names carry the deployment prefix.
      neutron.list<{ id: string }>('subnet', { name: subnet }),
    ]);
    for (const r of routers) {
      if (r.routes?.length) await neutron.clearRoutes(r.id);
      const ports = await neutron.list<Port>('port', { device_id: r.id, device_owner: 'network:router_interface' });
      for (const port of ports.filter((p) => p.fixed_ips.some((ip) => subnets.some((s) => s.id === ip.subnet_id)))) {
        await neutron.removeRouterInterface(r.id, { port_id: port.id });
      }
    }
  }
}

/**
 * Deletes everything a project has in Nova and Neutron, in dependency order (what `openstack
 * project purge` does): servers, floating IPs, router interfaces, routers, ports, security groups,
 * networks. Returns what it removed.
 */
export async function purgeProject(neutron: Neutron, projectId: string, nova?: Nova): Promise<string[]> {
  const removed: string[] = [];
  for (const server of (await nova?.servers(projectId)) ?? []) {
    await nova!.delete(server.id);
    removed.push(`server ${server.name}`);
  }
  const own = { project_id: projectId };
  for (const fip of await neutron.list<FloatingIp>('floatingip', own)) {
    await neutron.removePortForwardings(fip.id);
    await neutron.delete('floatingip', fip.id);
    removed.push(`floating IP ${fip.floating_ip_address}`);
  }
  for (const router of await neutron.list<Router>('router', own)) {
    if (router.routes?.length) await neutron.clearRoutes(router.id);
    for (const port of await neutron.list<Port>('port', { device_id: router.id, device_owner: 'network:router_interface' })) {
      await neutron.removeRouterInterface(router.id, { port_id: port.id });
    }
    await neutron.delete('router', router.id);
    removed.push(`router ${router.name}`);
  }
  for (const port of await neutron.list<Port>('port', own)) {
    await neutron.delete('port', port.id);
    removed.push(`port ${port.name || port.id}`);
  }
  for (const group of await neutron.list<SecurityGroup>('security_group', own)) {
    await neutron.delete('security_group', group.id);
    // Neutron makes a `default` group in every project it sees; it goes with the project.
    if (group.name !== 'default') removed.push(`security group ${group.name}`);
  }
  for (const network of await neutron.list<{ id: string; name: string }>('network', own)) {
    await neutron.delete('network', network.id);
    removed.push(`network ${network.name}`);
  }
  return removed;
}
