import { setTimeout as sleep } from 'node:timers/promises';
import { NetvetError } from '../../util/errors';
import type { RequestOptions, Session } from './session';

const STATUS_TIMEOUT_MS = 60_000;

export interface Network {
  id: string;
  name: string;
  project_id: string;
  status: string;
  'router:external'?: boolean;
  'provider:segmentation_id'?: number | null;
  'provider:network_type'?: string;
}

export interface Subnet {
  id: string;
  name: string;
  network_id: string;
  cidr: string;
  gateway_ip: string | null;
}

export interface FixedIp {
  subnet_id: string;
  ip_address: string;
}

export interface Port {
  id: string;
  name: string;
  network_id: string;
  project_id: string;
  status: string;
  mac_address: string;
  fixed_ips: FixedIp[];
  device_owner: string;
  device_id: string;
  'binding:host_id'?: string;
}

export interface Router {
  id: string;
  name: string;
  status: string;
  external_gateway_info: { network_id: string; enable_snat?: boolean; external_fixed_ips?: FixedIp[] } | null;
  routes?: Array<{ destination: string; nexthop: string }>;
}

export interface SecurityGroup {
  id: string;
  name: string;
  security_group_rules: SecurityGroupRule[];
}

export interface SecurityGroupRule {
  id: string;
  security_group_id: string;
  direction: 'ingress' | 'egress';
  ethertype: 'IPv4' | 'IPv6';
  protocol: string | null;
  port_range_min: number | null;
  port_range_max: number | null;
  remote_ip_prefix: string | null;
  remote_group_id: string | null;
}

export interface FloatingIp {
  id: string;
  floating_ip_address: string;
  floating_network_id: string;
  port_id: string | null;
  fixed_ip_address: string | null;
  status: string;
  description: string;
}

/** The collections netvet uses, by their path and JSON key. */
const COLLECTIONS = {
  network: 'networks',
  subnet: 'subnets',
  port: 'ports',
  router: 'routers',
  security_group: 'security-groups',
  security_group_rule: 'security-group-rules',
  floatingip: 'floatingips',
} as const;
type Kind = keyof typeof COLLECTIONS;
const plural = (kind: Kind) => `${kind}s`;

/** Neutron v2.0: networks, subnets, ports, routers, security groups and their rules, floating IPs. */
export class Neutron {
  constructor(private readonly session: Session) {}

  private call<T>(method: string, path: string, body?: unknown, options?: RequestOptions): Promise<T> {
    return this.session.request<T>('network', method, `/v2.0${path}`, body, options);
  }

  async create<T>(kind: Kind, fields: Record<string, unknown>): Promise<T> {
    return (await this.call<Record<string, T>>('POST', `/${COLLECTIONS[kind]}`, { [kind]: fields }))[kind];
  }

  async update<T>(kind: Kind, id: string, fields: Record<string, unknown>): Promise<T> {
    return (await this.call<Record<string, T>>('PUT', `/${COLLECTIONS[kind]}/${id}`, { [kind]: fields }, { retryConflict: true }))[kind];
  }

  async get<T>(kind: Kind, id: string): Promise<T> {
    return (await this.call<Record<string, T>>('GET', `/${COLLECTIONS[kind]}/${id}`))[kind];
  }

  /** Lists with Neutron's own filters (`{ project_id, name }`); repeated keys as arrays. */
  async list<T>(kind: Kind, filters: Record<string, string | string[]> = {}): Promise<T[]> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(filters)) for (const v of [value].flat()) query.append(key, v);
    const qs = query.size ? `?${query}` : '';
    return (await this.call<Record<string, T[]>>('GET', `/${COLLECTIONS[kind]}${qs}`))[plural(kind)];
  }

  /** Deletes, tolerating what is already gone and retrying what is still in use, as Tempest's cleanups do. */
  async delete(kind: Kind, id: string): Promise<void> {
    await this.call('DELETE', `/${COLLECTIONS[kind]}/${id}`, undefined, { notFoundOk: true, retryConflict: true });
  }

  /** Polls until every port or floating IP has the status it should (ACTIVE, DOWN); the error names the ones that do not. */
  async waitForStatus(kind: 'port' | 'floatingip', ids: string[], wanted: (id: string) => string): Promise<void> {
    if (!ids.length) return;
    const deadline = Date.now() + STATUS_TIMEOUT_MS;
    for (;;) {
      const rows = await this.list<{ id: string; status: string; name?: string; floating_ip_address?: string }>(kind, { id: ids });
      const behind = ids.filter((id) => rows.find((r) => r.id === id)?.status !== wanted(id));
      if (!behind.length) return;
      if (Date.now() > deadline) {
        const describe = (id: string) => {
          const row = rows.find((r) => r.id === id);
          return `${row?.name || row?.floating_ip_address || id} is ${row?.status ?? 'gone'} (wanted ${wanted(id)})`;
        };
        throw new NetvetError(`Neutron did not converge within ${STATUS_TIMEOUT_MS / 1000} s: ${behind.map(describe).join('; ')}`, 'check that ovn-controller runs on the chassis and neutron-server on the controller');
      }
      await sleep(200);
    }
  }

  async addRouterInterface(routerId: string, via: { subnet_id: string } | { port_id: string }): Promise<void> {
    await this.call('PUT', `/routers/${routerId}/add_router_interface`, via, { retryConflict: true });
  }

  /** Forwards a port of a floating IP to a port inside (the port_forwarding extension); goes with the floating IP. */
  async addPortForwarding(floatingIpId: string, fields: Record<string, unknown>): Promise<void> {
    await this.call('POST', `/floatingips/${floatingIpId}/port_forwardings`, { port_forwarding: fields });
  }

  /** Removes a floating IP's port forwardings: Neutron refuses to delete a floating IP that has any. */
  async removePortForwardings(floatingIpId: string): Promise<void> {
    const { port_forwardings: forwardings } = await this.call<{ port_forwardings: Array<{ id: string }> }>('GET', `/floatingips/${floatingIpId}/port_forwardings`, undefined, { notFoundOk: true });
    for (const pf of forwardings ?? []) await this.call('DELETE', `/floatingips/${floatingIpId}/port_forwardings/${pf.id}`, undefined, { notFoundOk: true });
  }

  /** Removes a router's static routes: Neutron keeps an interface while a route's next hop needs it. */
  async clearRoutes(routerId: string): Promise<void> {
    await this.update('router', routerId, { routes: [] });
  }

  async removeRouterInterface(routerId: string, via: { subnet_id: string } | { port_id: string }): Promise<void> {
    await this.call('PUT', `/routers/${routerId}/remove_router_interface`, via, { notFoundOk: true, retryConflict: true });
  }
}
