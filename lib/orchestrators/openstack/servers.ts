import { readFileSync } from 'node:fs';
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
 * A server without Nova: its Neutron ports are made (as the admin: binding:host_id is admin-only,
 * and a shared network's addresses are its owner's to pick) and bound to a compute host, and a
 * namespace on that host plugs them into the integration bridge with the port ids (iface-id),
 * as Nova and os-vif do. Addresses and MACs are what Neutron gave the ports.
 */
export async function createServer(target: Target, hosts: TargetHosts, neutron: Neutron, request: ServerRequest, journal: RunJournal): Promise<DeployedWorkload> {
  const host = hosts.get(request.host);
  if (!host.integrationBridge) throw new NetvetError(`server ${request.name} is placed on ${request.host}, which runs no workloads`, 'pin it to a compute host with an integration bridge');
  const ports: Port[] = [];
  for (const [index, port] of request.ports.entries()) {
    const name = `${request.prefix}${request.name}-${index}`;
    journal.record(`port ${name}`, { neutron: 'port', projectId: request.projectId, name } satisfies Undo);
    ports.push(
      await neutron.create<Port>('port', {
        name,
        project_id: request.projectId,
        device_owner: 'compute:netvet',
        device_id: `${request.prefix}${request.name}`,
        'binding:host_id': request.host,
        ...port.fields,
      }),
    );
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
    authorizedKey: readFileSync(`${target.access.ssh.privateKey}.pub`, 'utf8'),
  });
  return {
    name: request.name,
    host: request.host,
    ports: ports.map((p, i) => ({ network: request.ports[i].network, address: specs[i].address, mac: p.mac_address, interface: specs[i].iface, id: p.id })),
    shell: namespaceShell(shell, netns),
    hostKey,
  };
}
