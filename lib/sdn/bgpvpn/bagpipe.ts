import { NetvetError } from '../../util/errors';

/** The OVS bridge bagpipe's IP VPN driver owns on each PE (pre-created: the driver refuses to start without it). */
export const PE_BRIDGE = 'br-mpls';
/** bagpipe-bgp's REST API (attachments and the looking glass), its default port. */
export const PE_API_PORT = 8082;

/** GETs a path of bagpipe-bgp's looking glass (`bgp/peers`, `vpns/instances/<id>`) as JSON. */
export async function lookingGlass<T>(api: string, path: string, timeoutMs = 5000): Promise<T> {
  const response = await fetch(`${api}/looking-glass/${path}`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new NetvetError(`${api}/looking-glass/${path} answered ${response.status}`, `check bagpipe-bgp's log on the PE; the looking glass lists what exists at ${api}/looking-glass`);
  return (await response.json()) as T;
}

/** Each BGP peer of a PE and its session state (`Established` when up). */
export function peerStates(api: string): Promise<Array<{ id: string; state: string }>> {
  return lookingGlass(api, 'bgp/peers');
}

/** The VPN instances (VRFs) a PE holds, by the id they were attached with. */
export async function vrfIds(api: string): Promise<string[]> {
  return (await lookingGlass<Array<{ id: string }>>(api, 'vpns/instances')).map((v) => v.id);
}

/** A VRF's settings: its route targets (`target:64512:78`) and the gateway it answers ARP for. */
export interface VrfSummary {
  route_targets: { import: string[]; export: string[] };
  gateway_ip: string;
  subnet_prefix_length: number;
}

export function vrf(api: string, id: string): Promise<VrfSummary> {
  return lookingGlass(api, `vpns/instances/${encodeURIComponent(id)}`);
}

/** One labeled VPN route as the looking glass words it (`10.9.1.2/32 label 17 next-hop 10.240.1.22 rd 10.240.0.22:0`). */
export interface VpnRoute {
  prefix: string;
  label: number;
  nextHop: string;
  rd: string;
  routeTargets: string[];
  /** Encapsulations the route's extended communities announce (`GRE`, `VXLAN`, `MPLS`). */
  encaps: string[];
}

type RouteEntry = Record<string, { next_hop: string; route_targets?: string[]; attributes?: { 'extended-community'?: string } }>;

function parseRoute(entry: RouteEntry): VpnRoute {
  const [text, detail] = Object.entries(entry)[0];
  const words = /^(\S+) label (\d+) next-hop (\S+) rd (\S+)/.exec(text);
  if (!words) throw new NetvetError(`bagpipe's looking glass gave a route netvet cannot read: ${text}`, 'this netvet knows the looking glass of networking-bagpipe 17');
  const communities = detail.attributes?.['extended-community'] ?? '';
  return {
    prefix: words[1],
    label: Number(words[2]),
    nextHop: words[3],
    rd: words[4],
    routeTargets: (detail.route_targets ?? []).map((rt) => rt.replace(/^target:/, '')),
    encaps: [...communities.matchAll(/encap:(\w+)/g)].map((m) => m[1]),
  };
}

/** The routes a PE advertises from a VRF: one /32 per attached port, with the label it allocated. */
export async function advertisedRoutes(api: string, vrfId: string): Promise<VpnRoute[]> {
  return (await lookingGlass<RouteEntry[]>(api, `vpns/instances/${encodeURIComponent(vrfId)}/adv_routes`)).map(parseRoute);
}

/** The routes a VRF uses, by prefix: what it imported from other PEs (by route target). */
export async function bestRoutes(api: string, vrfId: string): Promise<VpnRoute[]> {
  const byPrefix = await lookingGlass<Record<string, RouteEntry[]>>(api, `vpns/instances/${encodeURIComponent(vrfId)}/best_routes`);
  return Object.values(byPrefix).flat().map(parseRoute);
}

/** The ports a VRF has on this PE and the label each was given. */
export async function vrfPorts(api: string, vrfId: string): Promise<Array<{ port: string; address: string; prefixLength: number; mac: string; label: number }>> {
  const ports = await lookingGlass<Record<string, { endpoints: Array<{ label: number; ip_address: string; mac_address: string }> }>>(api, `vpns/instances/${encodeURIComponent(vrfId)}/ports`);
  return Object.entries(ports).flatMap(([port, p]) => p.endpoints.map((e) => ({ port, address: e.ip_address.split('/')[0], prefixLength: Number(e.ip_address.split('/')[1] ?? 32), mac: e.mac_address, label: e.label })));
}

/** What attaching (or detaching) a port to an IP VPN on a PE takes, as bagpipe-bgp's REST API wants it. */
export interface PortAttachment {
  vpnInstance: string;
  /** The PE-side interface, already plugged into the PE bridge. */
  port: string;
  address: string;
  prefixLength: number;
  mac: string;
  gateway: string;
  importTargets: string[];
  exportTargets: string[];
  /** Advertise `address/prefixLength` itself (a prefix routed through the port), not the port's /32. */
  advertiseSubnet?: boolean;
}

async function post(api: string, operation: 'attach' | 'detach', a: PortAttachment): Promise<void> {
  const body = {
    vpn_instance_id: a.vpnInstance,
    vpn_type: 'ipvpn',
    import_rt: a.importTargets,
    export_rt: a.exportTargets,
    local_port: { linuxif: a.port, ovs: { plugged: true, port_name: a.port } },
    mac_address: a.mac,
    ip_address: `${a.address}/${a.prefixLength}`,
    gateway_ip: a.gateway,
    advertise_subnet: a.advertiseSubnet ?? false,
  };
  const response = await fetch(`${api}/${operation}_localport`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) {
    const text = (await response.text()).trim().split('\n').slice(-3).join(' | ');
    throw new NetvetError(`bagpipe-bgp at ${api} refused to ${operation} ${a.port} (${a.address}) to ${a.vpnInstance}: ${response.status} ${text}`, "see bagpipe-bgp.log on the PE (the looking glass' logs path has its latest errors)");
  }
}

export const attachPort = (api: string, a: PortAttachment) => post(api, 'attach', a);
export const detachPort = (api: string, a: PortAttachment) => post(api, 'detach', a);
