import { authorizedKeyOf } from '../../access/ssh-key';
import { namespaceShell } from '../../access';
import type { TargetHosts } from '../../target/hosts';
import type { Target } from '../../target/schema';
import type { Route } from '../../topology';
import { NetvetError } from '../../util/errors';
import type { RunJournal } from '../journal';
import { plugWorkload } from '../shared/workload';
import type { DeployedWorkload } from '../types';
import type { Undo } from './cleanup';
import type { Neutron, Port, Subnet } from './neutron';
import type { Nova } from './nova';

export interface ServerRequest {
  name: string;
  projectId: string;
  /** Compute host it is bound to. */
  host: string;
  /** The deployment's prefix: port names, the namespace, and the OVS ports' run mark carry it. */
  prefix: string;
  /** Per port: the network's name (as the scenario knows it), the interface inside, and Neutron port fields (network_id, fixed IPs, MAC, security groups...). */
  ports: Array<{ network: string; iface: string; dhcp: boolean; fields: Record<string, unknown> }>;
  /** Null: the first port's subnet gateway. */
  defaultGateway: string | null;
  routes: Route[];
  forwarding: boolean;
}

/**
 * A server. Its Neutron ports are made first (as the admin: a shared network's addresses are its
 * owner's to pick), with the planned addresses and MACs. With `nova` (the tenant's Nova), the
 * server is booted through Nova on those ports, pinned to the host, and Neutron binds them there
 * when Nova asks; without, the ports are bound to the host directly (binding:host_id, admin-only).
 * Either way a namespace on that host then plugs them into the integration bridge with the port
 * ids (iface-id), as os-vif does for a hypervisor; Nova's fake virt driver plugs nothing itself.
 */
export async function createServer(target: Target, hosts: TargetHosts, neutron: Neutron, request: ServerRequest, journal: RunJournal, nova?: Nova): Promise<DeployedWorkload> {
  const host = hosts.get(request.host);
  if (!host.integrationBridge) throw new NetvetError(`server ${request.name} is placed on ${request.host}, which runs no workloads`, 'pin it to a compute host with an integration bridge');
  const serverName = `${request.prefix}${request.name}`;
  const ports: Port[] = [];
  for (const [index, port] of request.ports.entries()) {
    const name = `${serverName}-${index}`;
    journal.record(`port ${name}`, { neutron: 'port', projectId: request.projectId, name } satisfies Undo);
    const binding = nova ? {} : { device_owner: 'compute:netvet', device_id: serverName, 'binding:host_id': request.host };
    ports.push(await neutron.create<Port>('port', { name, project_id: request.projectId, ...binding, ...port.fields }));
  }
  if (nova) {
    journal.record(`server ${serverName}`, { server: serverName, projectId: request.projectId } satisfies Undo);
    const server = await nova.createServer({ name: serverName, flavor: target.openstack!.flavor!, image: target.openstack!.image!, ports: ports.map((p) => p.id), host: request.host });
    const placed = server['OS-EXT-SRV-ATTR:host'];
    if (placed !== request.host) throw new NetvetError(`Nova put server ${serverName} on ${placed ?? 'no host'}, not on ${request.host}`, `check that nova-compute on ${request.host} is up and enabled ('openstack compute service list')`);
  }
  const subnets = await Promise.all(ports.map((p) => neutron.get<Subnet>('subnet', p.fixed_ips[0].subnet_id)));
  const netns = `${target.workloads.namespacePrefix}${request.prefix}${request.name}`;
  const dir = `/run/netvet/workloads/${netns}`;
  const specs = ports.map((p, i) => ({
    // os-vif names the tap after the port id, which also keeps it within Linux's 15 characters.
    tap: `tap${p.id.slice(0, 11)}`,
    iface: request.ports[i].iface,
    mac: p.mac_address,
    address: p.fixed_ips[0].ip_address,
    prefixLength: Number(subnets[i].cidr.split('/')[1]),
    logicalPort: p.id,
    dhcp: request.ports[i].dhcp,
  }));
  journal.record(`workload ${request.name} on ${request.host}`, { workload: { host: request.host, netns, taps: specs.map((s) => s.tap), dir } } satisfies Undo);
  const shell = hosts.shell(request.host);
  const hostKey = await plugWorkload(shell, {
    netns,
    hostname: request.name,
    mtu: target.workloads.mtu,
    forwarding: request.forwarding,
    ports: specs,
    defaultGateway: request.defaultGateway ?? subnets[0]?.gateway_ip ?? null,
    routes: request.routes,
    runPrefix: request.prefix,
    dir,
    integrationBridge: host.integrationBridge,
    authorizedKey: await authorizedKeyOf(target.access.ssh.privateKey),
  });
  return {
    name: request.name,
    host: request.host,
    ports: ports.map((p, i) => ({ network: request.ports[i].network, address: specs[i].address, mac: p.mac_address, interface: specs[i].iface, id: p.id })),
    shell: namespaceShell(shell, netns),
    hostKey,
  };
}
