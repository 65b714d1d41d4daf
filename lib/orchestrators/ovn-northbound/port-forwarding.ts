import type { FloatingIp, Topology } from '../../topology';
import { NetvetError } from '../../util/errors';
import type { RunJournal } from '../journal';
import type { Names } from './names';
import type { Northbound } from './northbound';

/**
 * Port forwarding as Neutron's OVN driver builds it: one OVN load balancer per floating IP and
 * protocol (`pf-floatingip-<id>-<protocol>`), whose VIPs `<floating IP>:<external port>` lead to
 * `<internal address>:<internal port>`, attached to the router that serves the targets. The
 * floating IP has no NAT rule; the router answers ARP for the VIP on its gateway port.
 */
export async function createPortForwardings(nb: Northbound, names: Names, topology: Topology, fip: FloatingIp, address: string, journal: RunJournal): Promise<void> {
  const first = fip.portForwardings[0];
  const network = portOf(topology, first.workload, first.port).network;
  const router = topology.routers.find((r) => r.externalGateway && r.interfaces.some((i) => i.network === network));
  if (!router) throw new NetvetError(`no router with an external gateway serves workload ${first.workload}`, 'add a router with externalGateway on its network', first.source);
  for (const protocol of ['tcp', 'udp'] as const) {
    const forwardings = fip.portForwardings.filter((pf) => pf.protocol === protocol);
    if (!forwardings.length) continue;
    const lb = balancerName(names, fip.name, protocol);
    const vips = forwardings.map((pf) => `"${address}:${pf.externalPort}"="${portOf(topology, pf.workload, pf.port).address}:${pf.internalPort}"`);
    journal.record(`port forwarding load balancer ${lb}`, { nb: ['--if-exists', 'lb-del', lb] });
    await nb.run([
      ['create', 'Load_Balancer', `name=${lb}`, `protocol=${protocol}`, `vips={${vips.join(',')}}`, `external_ids:netvet=${names.prefix}`],
      ['lr-lb-add', names.router(router.name), lb],
    ]);
  }
}

/** `<prefix>pf-floatingip-<name>-<protocol>`, Neutron's name with the deployment prefix. */
export function balancerName(names: Names, floatingIp: string, protocol: 'tcp' | 'udp'): string {
  return `${names.prefix}pf-floatingip-${floatingIp}-${protocol}`;
}

/** A floating IP that forwards ports cannot also be bound to a workload (OpenStack refuses it too). */
export function assertAssociable(topology: Topology, floatingIp: string): void {
  const fip = topology.floatingIps.find((f) => f.name === floatingIp);
  if (fip?.portForwardings.length) {
    throw new NetvetError(`floating IP ${floatingIp} forwards ports, so it cannot be bound to a workload`, 'use another floating IP', fip.source);
  }
}

/** Load balancers whose deployment prefix `ours` claims, for the sweep. */
export async function sweepLoadBalancers(nb: Northbound, ours: (externalIds: string) => boolean): Promise<string[]> {
  const rows = (await nb.list('Load_Balancer', ['name', 'external_ids'])).filter((r) => ours(r.external_ids));
  await nb.run(rows.map((r) => ['--if-exists', 'lb-del', r.name]));
  return rows.map((r) => `Load_Balancer ${r.name}`);
}

function portOf(topology: Topology, workload: string, index: number) {
  return topology.workloads.find((w) => w.name === workload)!.ports[index];
}
