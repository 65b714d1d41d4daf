import type { SourcePlace } from '../util/yaml/source';

export type { SourcePlace };

/**
 * A topology after loading: every default resolved, every reference checked, every address and MAC
 * planned. Orchestrator drivers build exactly this; nothing in it needs the YAML file any more. Each
 * object keeps `source`, the place it was written, so a driver can report a failure against the line
 * that asked for it. Objects refer to one another by name (names are unique per kind).
 */
export interface Topology {
  name: string;
  description: string | null;
  file: string;
  tenants: Tenant[];
  networks: Network[];
  routers: Router[];
  securityGroups: SecurityGroup[];
  /** After `count` expansion: `web` with count 2 is `web-1` and `web-2`. */
  workloads: Workload[];
  /** Placement intents, resolved by the driver against the target's hosts (lib/orchestrators/shared/placement.ts). */
  placement: PlacementRule[];
  floatingIps: FloatingIp[];
  mirrors: Mirror[];
  serviceChains: ServiceChain[];
  policies: Policy[];
}

export interface Tenant {
  name: string;
  source: SourcePlace;
}

export interface Network {
  name: string;
  tenant: string;
  external: boolean;
  /** Other tenants may attach routers and workloads to it. */
  shared: boolean;
  subnets: Subnet[];
  source: SourcePlace;
}

export interface Subnet {
  name: string;
  network: string;
  tenant: string;
  /** Network address and prefix, e.g. `10.1.0.0/24`. */
  cidr: string;
  prefixLength: number;
  /** Dotted netmask, e.g. `255.255.255.0`. */
  netmask: string;
  gateway: string | null;
  dhcp: boolean;
  allocationPools: AddressRange[];
  dnsServers: string[];
  /** Classless static routes handed out by DHCP (option 121). */
  hostRoutes: Route[];
  source: SourcePlace;
}

export interface AddressRange {
  start: string;
  end: string;
}

export interface Route {
  destination: string;
  nexthop: string;
}

export interface Router {
  name: string;
  tenant: string;
  interfaces: RouterInterface[];
  /** Uplink to the target's external network; null for an isolated router. */
  externalGateway: ExternalGateway | null;
  routes: Route[];
  source: SourcePlace;
}

export interface RouterInterface {
  network: string;
  subnet: string;
  cidr: string;
  address: string;
  prefixLength: number;
  mac: string;
  source: SourcePlace;
}

export interface ExternalGateway {
  snat: boolean;
  /** Fixed address on the external network; null lets the target pick one. */
  address: string | null;
}

export interface SecurityGroup {
  name: string;
  tenant: string;
  /** Exactly these rules: a driver removes whatever rules its orchestrator adds by default. */
  rules: SecurityGroupRule[];
  source: SourcePlace;
}

export type Protocol = 'icmp' | 'tcp' | 'udp' | 'any';

export interface SecurityGroupRule {
  direction: 'ingress' | 'egress';
  protocol: Protocol;
  /** Destination ports for tcp/udp; null means all. */
  ports: PortRange | null;
  /** Both null means any remote address. */
  remoteCidr: string | null;
  remoteGroup: string | null;
  source: SourcePlace;
}

export interface PortRange {
  min: number;
  max: number;
}

export interface Workload {
  name: string;
  /** The name written in the file: equal to `name` unless `count` expanded it. */
  group: string;
  tenant: string;
  /** Routes packets between its ports (ip_forward on); what it forwards must pass its ports' allowedAddressPairs. */
  forwarding: boolean;
  ports: WorkloadPort[];
  /** Static routes configured inside the workload. */
  routes: Route[];
  source: SourcePlace;
}

export interface WorkloadPort {
  /** Position in the workload's port list; `eth<index>` inside the workload. */
  index: number;
  interface: string;
  network: string;
  subnet: string;
  cidr: string;
  address: string;
  prefixLength: number;
  gateway: string | null;
  mac: string;
  /** False when the file lists no security groups: the port then filters nothing. */
  portSecurity: boolean;
  securityGroups: string[];
  /** Extra source addresses or CIDRs the port may send from. */
  allowedAddressPairs: string[];
  /** Configured by DHCP inside the workload; the planned address is the one DHCP hands out. */
  dhcp: boolean;
  source: SourcePlace;
}

export interface FloatingIp {
  name: string;
  tenant: string;
  /** Workload (after count expansion) and port index it is bound to; both null when unbound. */
  workload: string | null;
  port: number | null;
  /** Fixed external address; null lets the target pick one from its floating range. */
  address: string | null;
  /** Forwarded ports (only when `workload` is null), as OpenStack's port forwarding API has them. */
  portForwardings: PortForwarding[];
  source: SourcePlace;
}

export interface PortForwarding {
  protocol: 'tcp' | 'udp';
  externalPort: number;
  internalPort: number;
  workload: string;
  /** Index of the workload's port. */
  port: number;
  source: SourcePlace;
}

/** Traffic between `left` and `right` steered by `router` through service instances, both directions. */
export interface ServiceChain {
  name: string;
  tenant: string;
  router: string;
  left: string;
  right: string;
  /** After group expansion, in file order; each forwards on the port the router steers traffic to. */
  instances: ServiceInstance[];
  mode: 'ecmp';
  source: SourcePlace;
}

export interface ServiceInstance {
  workload: string;
  /** Index of the workload's port on a network of the router (neither left nor right). */
  port: number;
  network: string;
}

/** A network policy: stateful rules for connections between the networks it is attached to. */
export interface Policy {
  name: string;
  tenant: string;
  networks: string[];
  /** In order, after the rules of the policies before it: the first rule a connection matches decides. */
  rules: PolicyRule[];
  /** For connections between attached networks that no rule matches; deny wins where policies disagree. */
  default: PolicyAction;
  source: SourcePlace;
}

export type PolicyAction = 'allow' | 'deny';

export interface PolicyRule {
  from: string;
  to: string;
  protocol: Protocol;
  /** Destination ports for tcp/udp; null means all. */
  ports: PortRange | null;
  action: PolicyAction;
  /** Also matches connections from `to` to `from`. */
  bidirectional: boolean;
  source: SourcePlace;
}

/** A port mirror: copies of one workload port's traffic, tunnelled in GRE to a collector. */
export interface Mirror {
  name: string;
  workload: string;
  /** Index of the workload's port. */
  port: number;
  /** from-lport: what the workload sends; to-lport: what it receives. */
  direction: 'from-lport' | 'to-lport';
  /** An underlay address, or a role: the driver picks a host with it (not the mirrored workload's) and uses its tunnel endpoint. */
  collector: { address: string } | { role: WorkloadHostRole };
  /** GRE key of the copies. */
  key: number;
  source: SourcePlace;
}

/** A role of the hosts that run workloads, as placement intents name them. */
export type WorkloadHostRole = 'compute' | 'gateway';

/**
 * One placement intent, with workload groups expanded to their replicas:
 * - `spread`: each workload on its own host;
 * - `together`: all on one host;
 * - `hosts`: only on hosts with `role` (null: compute) and never on a host with `avoidRole`.
 */
export type PlacementRule =
  | { kind: 'spread' | 'together'; workloads: string[]; source: SourcePlace }
  | { kind: 'hosts'; workloads: string[]; role: WorkloadHostRole | null; avoidRole: WorkloadHostRole | null; source: SourcePlace };
