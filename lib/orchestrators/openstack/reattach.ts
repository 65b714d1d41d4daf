import type { TargetHosts } from '../../target/hosts';
import { NetvetError } from '../../util/errors';
import type { RunJournal } from '../journal';
import { findKeptWorkload } from '../shared/workload';
import type { DeployedFloatingIp, DeployedRouter, DeployedWorkload, Deployment } from '../types';
import type { Keystone } from './keystone';
import type { FloatingIp, Neutron, Port, Router } from './neutron';

/**
 * The Deployment of a kept journal (`topology apply --orchestrator openstack`, NETVET_KEEP=1), for
 * `netvet explain`: the tenants' projects from Keystone, ports, routers and floating IPs from
 * Neutron by the names the driver gave them (prefix + topology name), and each workload's namespace
 * where the journal placed it. Read with the admin's clients only: no tenant password is kept
 * anywhere, so the deployment can be explained and destroyed, not changed.
 */
export async function reattach(hosts: TargetHosts, keystone: Keystone, neutron: Neutron, journal: RunJournal): Promise<Deployment> {
  const { prefix } = journal;
  const topology = journal.header()?.plan;
  if (!topology) throw new NetvetError(`the journal of ${prefix} has no planned topology (an older netvet wrote it)`, `remove it and apply again: netvet topology destroy --prefix ${prefix}`);
  const named = (n: string) => `${prefix}${n}`;
  const destroy = `destroy it and apply it again: netvet topology destroy --prefix ${prefix}`;
  const projects = (await Promise.all(topology.tenants.map((t) => keystone.projects(named(t.name))))).flat();
  const missing = topology.tenants.filter((t) => !projects.some((p) => p.name === named(t.name)));
  if (missing.length) throw new NetvetError(`Keystone has no project ${missing.map((t) => named(t.name)).join(', ')} of ${prefix}`, destroy);
  const projectIds = projects.map((p) => p.id);

  const portNames = topology.workloads.flatMap((w) => w.ports.map((p) => named(`${w.name}-${p.index}`)));
  const [ports, routers, floatingIps] = await Promise.all([
    portNames.length ? neutron.list<Port>('port', { name: portNames }) : [],
    topology.routers.length ? neutron.list<Router>('router', { name: topology.routers.map((r) => named(r.name)), project_id: projectIds }) : [],
    topology.floatingIps.length ? neutron.list<FloatingIp>('floatingip', { project_id: projectIds }) : [],
  ]);

  const workloads: Record<string, DeployedWorkload> = {};
  const deployedRouters: Record<string, DeployedRouter> = {};
  const deployedFloatingIps: Record<string, DeployedFloatingIp> = {};
  await Promise.all(
    topology.workloads.map(async (workload) => {
      const kept = await findKeptWorkload(hosts, journal, workload.name);
      workloads[workload.name] = {
        name: workload.name,
        ...kept,
        ports: workload.ports.map((p) => {
          const port = ports.find((n) => n.name === named(`${workload.name}-${p.index}`));
          if (!port) throw new NetvetError(`Neutron has no port ${named(`${workload.name}-${p.index}`)} of workload ${workload.name}`, destroy);
          return { network: p.network, address: port.fixed_ips[0]?.ip_address ?? p.address, mac: port.mac_address, interface: p.interface, id: port.id };
        }),
      } satisfies DeployedWorkload;
    }),
  );

  for (const router of topology.routers) {
    const found = routers.find((r) => r.name === named(router.name));
    if (!found) throw new NetvetError(`Neutron has no router ${named(router.name)}`, destroy);
    deployedRouters[router.name] = { name: router.name, externalAddress: found.external_gateway_info?.external_fixed_ips?.[0]?.ip_address ?? null };
  }
  const ownerOf = (portId: string | null) => {
    for (const w of Object.values(workloads)) {
      const index = w.ports.findIndex((p) => p.id === portId);
      if (index >= 0) return { workload: w.name, port: index };
    }
    return undefined;
  };
  for (const fip of topology.floatingIps) {
    // The driver names a floating IP by its description (floating IPs have no name in Neutron).
    const found = floatingIps.find((f) => f.description === named(fip.name));
    if (!found) throw new NetvetError(`Neutron has no floating IP ${named(fip.name)}`, destroy);
    const owner = ownerOf(found.port_id);
    deployedFloatingIps[fip.name] = { name: fip.name, address: found.floating_ip_address, workload: owner?.workload ?? null, port: owner?.port ?? null };
  }
  return { topology, prefix, workloads, routers: deployedRouters, floatingIps: deployedFloatingIps };
}
