import type { FloatingIp as TopologyFloatingIp, Topology } from '../../topology';
import type { RunJournal } from '../journal';
import type { Deployment } from '../types';
import type { Built } from './built';
import type { Undo } from './cleanup';
import type { FloatingIp, Neutron } from './neutron';

type DeployedFloatingIp = Deployment['floatingIps'][string];

/**
 * A topology floating IP on the external network (`external()`), bound to its workload's port
 * and with its port forwardings; waits until Neutron reports it ACTIVE (in use) or DOWN. `admin`
 * gives chosen addresses, as Neutron's policy wants.
 */
export async function createFloatingIp(admin: Neutron, external: () => Promise<string>, b: Built, topology: Topology, fip: TopologyFloatingIp, name: (n: string) => string, journal: RunJournal): Promise<DeployedFloatingIp> {
  const t = b.tenants.get(fip.tenant)!;
  journal.record(`floating IP ${name(fip.name)}`, { floatingIp: name(fip.name), projectId: t.projectId } satisfies Undo);
  const fields = {
    floating_network_id: await external(),
    description: name(fip.name),
    ...(fip.workload !== null ? { port_id: b.ports.get(`${fip.workload}:${fip.port ?? 0}`) } : {}),
  };
  // A chosen address is an admin's to give.
  const created = fip.address
    ? await admin.create<FloatingIp>('floatingip', { ...fields, project_id: t.projectId, floating_ip_address: fip.address })
    : await t.neutron.create<FloatingIp>('floatingip', fields);
  b.floatingIps.set(fip.name, created.id);
  for (const pf of fip.portForwardings) {
    const workload = topology.workloads.find((w) => w.name === pf.workload)!;
    await t.neutron.addPortForwarding(created.id, {
      protocol: pf.protocol,
      external_port: pf.externalPort,
      internal_port: pf.internalPort,
      internal_port_id: b.ports.get(`${pf.workload}:${pf.port}`),
      internal_ip_address: workload.ports[pf.port].address,
    });
  }
  // Neutron counts a floating IP with forwarded ports as in use, as one bound to a port.
  await admin.waitForStatus('floatingip', [created.id], () => (fip.workload !== null || fip.portForwardings.length ? 'ACTIVE' : 'DOWN'));
  return { name: fip.name, address: created.floating_ip_address, workload: fip.workload, port: fip.workload === null ? null : (fip.port ?? 0) };
}
