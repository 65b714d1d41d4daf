import { NetvetError } from '../../../util/errors';
import { keystoneUrl, neutronUrl, type OpenStackLayout } from './config';

/**
 * What an installer does once the services answer: the services in Keystone's catalog and the
 * admin-owned external (provider) network that routers and floating IPs use. Plain REST: the
 * `openstack` CLI costs 2-3 s a call.
 */

export async function call(method: string, url: string, token: string | undefined, body?: unknown): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { 'x-auth-token': token } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new NetvetError(`${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`, 'see the service logs in the lab folder api1/');
  return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function adminToken(l: OpenStackLayout): Promise<string> {
  const { headers } = await call('POST', `${keystoneUrl(l)}/auth/tokens`, undefined, {
    auth: {
      identity: { methods: ['password'], password: { user: { name: 'admin', domain: { id: 'default' }, password: l.passwords.admin } } },
      scope: { project: { name: 'admin', domain: { id: 'default' } } },
    },
  });
  return headers.get('x-subject-token') ?? '';
}

/** A service in Keystone's catalog (`network` for neutron, `compute` for nova...), one URL for every interface. */
export async function registerService(l: OpenStackLayout, token: string, service: { type: string; name: string; url: string }): Promise<void> {
  const { json } = await call('POST', `${keystoneUrl(l)}/services`, token, { service: { type: service.type, name: service.name } });
  const serviceId = (json.service as { id: string }).id;
  for (const iface of ['public', 'internal', 'admin']) {
    await call('POST', `${keystoneUrl(l)}/endpoints`, token, { endpoint: { service_id: serviceId, interface: iface, region_id: 'RegionOne', url: service.url } });
  }
}

export interface ExternalNetworkSpec {
  name: string;
  cidr: string;
  gateway: string;
  pool: { start: string; end: string };
}

/** The provider network on the gateway chassis' bridge mapping: flat, external, no DHCP. */
export async function createExternalNetwork(l: OpenStackLayout, token: string, spec: ExternalNetworkSpec): Promise<void> {
  const { json } = await call('POST', `${neutronUrl(l)}/v2.0/networks`, token, {
    network: { name: spec.name, 'router:external': true, 'provider:network_type': 'flat', 'provider:physical_network': l.physicalNetwork },
  });
  const networkId = (json.network as { id: string }).id;
  await call('POST', `${neutronUrl(l)}/v2.0/subnets`, token, {
    subnet: {
      name: `${spec.name}-v4`,
      network_id: networkId,
      ip_version: 4,
      cidr: spec.cidr,
      gateway_ip: spec.gateway,
      enable_dhcp: false,
      allocation_pools: [spec.pool],
    },
  });
}

/** Neutron's view of the OVN chassis (its "agents"): host -> agent type, for those it sees alive. */
export async function liveAgents(l: OpenStackLayout, token: string): Promise<Map<string, string>> {
  const { json } = await call('GET', `${neutronUrl(l)}/v2.0/agents`, token);
  const agents = json.agents as Array<{ host: string; agent_type: string; alive: boolean }>;
  return new Map(agents.filter((a) => a.alive).map((a) => [a.host, a.agent_type]));
}
