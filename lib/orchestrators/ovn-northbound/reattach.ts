import type { TargetHosts } from '../../target/hosts';
import { NetvetError } from '../../util/errors';
import type { RunJournal } from '../journal';
import type { DeployedFloatingIp, DeployedRouter, DeployedWorkload, Deployment } from '../types';
import { findKeptWorkload } from '../shared/workload';
import { Names } from './names';
import type { Northbound } from './northbound';

/**
 * The Deployment of a kept journal, for debugging it later (`netvet explain`): addresses and MACs
 * come from the topology as planned (the journal keeps it), hosts and namespaces from the journal,
 * external addresses from the northbound DB. Every workload must still run where the journal put it.
 */
export async function reattach(nb: Northbound, hosts: TargetHosts, journal: RunJournal): Promise<Deployment> {
  const topology = journal.header()?.plan;
  if (!topology) throw new NetvetError(`the journal of ${journal.prefix} has no planned topology (an older netvet wrote it)`, `remove it and apply again: netvet topology destroy --prefix ${journal.prefix}`);
  const names = new Names(journal.prefix);
  const workloads: Record<string, DeployedWorkload> = {};
  const routers: Record<string, DeployedRouter> = {};
  const floatingIps: Record<string, DeployedFloatingIp> = {};
  for (const workload of topology.workloads) {
    const kept = await findKeptWorkload(hosts, journal, workload.name);
    workloads[workload.name] = {
      name: workload.name,
      ...kept,
      ports: workload.ports.map((p) => ({ network: p.network, address: p.address, mac: p.mac, interface: p.interface, id: names.workloadPort(workload.name, p.index) })),
    };
  }
  const [routerRows, routerPorts, nats, addressSets] = await Promise.all([
    nb.list('Logical_Router', ['name', 'nat']),
    nb.list('Logical_Router_Port', ['name', 'networks']),
    nb.list('NAT', ['_uuid', 'type', 'external_ip', 'logical_ip']),
    nb.list('Address_Set', ['name', 'addresses']),
  ]);
  for (const router of topology.routers) {
    const gateway = routerPorts.find((p) => p.name === names.gatewayPort(router.name));
    routers[router.name] = { name: router.name, externalAddress: gateway ? gateway.networks.split('/')[0] : null };
  }
  // Only this deployment's routers: another deployment of the same file has the same inside addresses.
  const ours = new Set(routerRows.filter((r) => topology.routers.some((t) => names.router(t.name) === r.name)).flatMap((r) => r.nat.split(' ')));
  const floating = nats.filter((n) => n.type === 'dnat_and_snat' && ours.has(n._uuid));
  const ownerOf = (logicalIp: string) => {
    for (const w of topology.workloads) for (const p of w.ports) if (p.address === logicalIp) return { workload: w.name, port: p.index };
    return undefined;
  };
  for (const fip of topology.floatingIps) {
    const planned = fip.workload === null ? undefined : topology.workloads.find((w) => w.name === fip.workload)?.ports[fip.port ?? 0]?.address;
    // The driver keeps each allocation as a one-address set, bound or not; a bound one also has its NAT rule.
    const address = addressSets.find((s) => s.name === names.portGroup(`fip_${fip.name}`))?.addresses ?? floating.find((n) => n.logical_ip === planned)?.external_ip;
    if (!address) continue;
    const owner = ownerOf(floating.find((n) => n.external_ip === address)?.logical_ip ?? '');
    floatingIps[fip.name] = { name: fip.name, address, workload: owner?.workload ?? null, port: owner?.port ?? null } satisfies DeployedFloatingIp;
  }
  return { topology, prefix: journal.prefix, workloads, routers, floatingIps };
}
