import { z } from 'zod';

/**
 * What a topology file may say. This one definition gives both the TypeScript types of a parsed file
 * and the published JSON Schema (schemas/topology.schema.json, written by lib/util/yaml/write-schemas.ts), so the
 * editor's completion and the loader never disagree. Checks that need more than one field (references,
 * addresses inside subnets, overlaps) live in the resolvers beside the planner.
 */
const name = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/, 'a name is 1 to 63 letters, digits, "-", "_" or ".", starting with a letter or digit')
  .describe('A name: letters, digits, "-", "_" or "."');
const tenant = name.describe('Tenant (project) that owns it; may be left out when the topology has one tenant');
const ipv4 = z.ipv4().describe('An IPv4 address such as 10.1.0.5');
const cidr = z.cidrv4().describe('An IPv4 network such as 10.1.0.0/24');

const hostRoleName = z.enum(['compute', 'gateway']).describe('A role of the target\'s hosts that run workloads');

const route = z
  .strictObject({
    destination: cidr,
    nexthop: ipv4.describe('Next hop; must lie in a subnet the router or workload is attached to'),
  })
  .describe('A static route');

const addressRange = z.strictObject({ start: ipv4, end: ipv4 }).describe('An inclusive address range such as { start: 10.1.0.10, end: 10.1.0.200 }');

const subnet = z.strictObject({
  name: name.optional().describe('Defaults to <network>-<index>, the index counting from 0'),
  cidr,
  gateway: z
    .union([ipv4, z.literal('none')])
    .optional()
    .describe('Gateway address; defaults to the first host address, `none` for a subnet without gateway'),
  dhcp: z.boolean().default(true).describe('Serve addresses by DHCP'),
  allocationPools: z
    .array(addressRange)
    .min(1)
    .optional()
    .describe('Ranges workload addresses are planned from; defaults to the whole subnet except its gateway'),
  dnsServers: z.array(ipv4).default([]).describe('DNS servers handed out by DHCP'),
  hostRoutes: z.array(route).default([]).describe('Classless static routes handed out by DHCP'),
});

const network = z.strictObject({
  name,
  tenant: tenant.optional(),
  external: z.boolean().default(false).describe('A shared external (provider) network; rarely needed, the target provides one'),
  shared: z.boolean().default(false).describe('Other tenants may attach routers and workloads to it (Neutron\'s shared network)'),
  subnets: z.array(subnet).min(1).describe('The network\'s IPv4 subnets; the first one is used where a subnet is not named'),
});

const routerInterface = z
  .union([
    name.describe('A network: the interface goes on its first subnet, at the subnet gateway'),
    z.strictObject({
      network: name,
      subnet: name.optional().describe('Defaults to the network\'s first subnet'),
      address: ipv4.optional().describe('Defaults to the subnet gateway'),
    }),
  ])
  .describe('A network name, or { network, subnet, address }');

const router = z.strictObject({
  name,
  tenant: tenant.optional(),
  interfaces: z.array(routerInterface).default([]).describe('Interfaces on tenant networks, one per subnet'),
  externalGateway: z
    .strictObject({
      snat: z.boolean().default(true).describe('Source-NAT traffic from the router\'s subnets to the external network'),
      address: ipv4.optional().describe('Fixed address on the external network; the target picks one otherwise'),
    })
    .optional()
    .describe('Uplink to the external network the target provides'),
  routes: z.array(route).default([]).describe('Static routes of the router'),
});

export const securityGroupRule = z.strictObject({
  direction: z.enum(['ingress', 'egress']),
  protocol: z.enum(['icmp', 'tcp', 'udp', 'any']),
  ports: z
    .union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}-\d{1,5}$/, 'a port range is written "1000-2000"')])
    .optional()
    .describe('tcp/udp destination port, or a range such as "1000-2000"; all ports when left out'),
  remoteCidr: cidr.optional().describe('Remote addresses the rule matches; anywhere when neither remoteCidr nor remoteGroup is given'),
  remoteGroup: name.optional().describe('Security group whose members the rule matches'),
});

const securityGroup = z.strictObject({
  name,
  tenant: tenant.optional(),
  rules: z.array(securityGroupRule).default([]).describe('Exactly these rules; everything else is dropped'),
});

const workloadPort = z.strictObject({
  network: name,
  subnet: name.optional().describe('Defaults to the network\'s first subnet'),
  address: ipv4.optional().describe('Fixed address; planned from the allocation pools otherwise'),
  securityGroups: z
    .array(name)
    .optional()
    .describe('Security groups; when left out the port has port security off and filters nothing'),
  allowedAddressPairs: z
    .array(z.union([ipv4, cidr]).describe('An address such as 10.9.0.5 or a network such as 10.9.0.0/24'))
    .default([])
    .describe('Other source addresses or networks the port may send from'),
  dhcp: z.boolean().default(false).describe('Configured inside the workload by DHCP (address, routes, MTU) instead of statically; the subnet must serve DHCP'),
});

const workload = z.strictObject({
  name,
  tenant: tenant.optional(),
  count: z.number().int().min(1).max(100).default(1).describe('Replicas, named <name>-1, <name>-2 ... when more than 1'),
  forwarding: z.boolean().default(false).describe('Acts as a router or service instance (IP forwarding on)'),
  ports: z.array(workloadPort).min(1).describe('Network ports, eth0, eth1 ... inside the workload'),
  routes: z.array(route).default([]).describe('Static routes inside the workload'),
});

const portNumber = z.number().int().min(1).max(65535);

const portForwarding = z
  .strictObject({
    protocol: z.enum(['tcp', 'udp']),
    externalPort: portNumber.describe('Port on the floating IP'),
    internalPort: portNumber.describe('Port on the workload'),
    workload: name.describe('Workload the port leads to (a replica name when count > 1)'),
    port: z.number().int().min(0).optional().describe('Index of the workload\'s port, from 0; defaults to 0'),
  })
  .describe('One forwarded port: { protocol, externalPort, internalPort, workload }');

const floatingIp = z.strictObject({
  name,
  tenant: tenant.optional(),
  workload: name.optional().describe('Workload to bind to (a replica name when count > 1); unbound when left out'),
  port: z.number().int().min(0).optional().describe('Index of the workload\'s port, from 0; defaults to 0'),
  address: ipv4.optional().describe('Fixed external address; the target picks one otherwise'),
  portForwardings: z
    .array(portForwarding)
    .default([])
    .describe('Ports of the floating IP forwarded to workload ports (OpenStack port forwarding); only on a floating IP bound to no workload'),
});

const serviceChain = z.strictObject({
  name,
  router: name.describe('Router that steers the traffic between left and right through the instances'),
  left: name.describe('Network on one side of the chain (an interface of the router)'),
  right: name.describe('Network on the other side of the chain (an interface of the router)'),
  instances: z
    .array(name.describe('A workload, or a workload group (count > 1) meaning all its replicas'))
    .min(1)
    .describe('Service instances: forwarding workloads, each with a port on another network of the router'),
  mode: z.enum(['ecmp']).default('ecmp').describe('ecmp: every flow goes through one instance, flows spread over all live instances'),
});

const policyRule = z.strictObject({
  from: name.describe('Network the traffic comes from'),
  to: name.describe('Network the traffic goes to'),
  protocol: z.enum(['icmp', 'tcp', 'udp', 'any']),
  ports: z
    .union([z.number().int().min(1).max(65535), z.string().regex(/^\d{1,5}-\d{1,5}$/, 'a port range is written "1000-2000"')])
    .optional()
    .describe('tcp/udp destination port, or a range such as "1000-2000"; all ports when left out'),
  action: z.enum(['allow', 'deny']),
  bidirectional: z.boolean().default(false).describe('Also match connections from `to` to `from`'),
});

const policy = z.strictObject({
  name,
  networks: z
    .array(name)
    .min(2)
    .optional()
    .describe('Networks the policy is attached to; defaults to every network its rules name'),
  rules: z
    .array(policyRule)
    .default([])
    .describe('Checked in order, after the rules of the policies listed before; the first rule a connection matches decides'),
  default: z
    .enum(['allow', 'deny'])
    .default('deny')
    .describe('For a connection between attached networks that no rule matches; deny wins where policies disagree'),
});

const mirror = z.strictObject({
  name,
  port: z
    .strictObject({
      workload: name.describe('Workload whose port is mirrored (a replica name when count > 1)'),
      index: z.number().int().min(0).default(0).describe('Index of the workload\'s port, from 0; defaults to 0'),
    })
    .describe('The mirrored port: { workload, index }'),
  direction: z.enum(['from-lport', 'to-lport']).describe('from-lport: what the workload sends through the port; to-lport: what it receives'),
  collector: z
    .union([ipv4, z.strictObject({ role: hostRoleName })])
    .describe('Where the copies go, tunnelled in GRE: an IPv4 address on the underlay, or { role: gateway }: the tunnel endpoint of a host with that role other than the mirrored workload\'s'),
  key: z.number().int().min(0).max(4294967295).describe('GRE key the copies carry'),
});

const workloadNames = z
  .array(name.describe('A workload, or a workload group (count > 1) meaning all its replicas'))
  .min(1);

/**
 * Where workloads go, said as what the scenario needs, never as a host name: the driver resolves
 * these against the hosts of whatever target it builds on. Each rule has one of `spread`,
 * `together` or `workloads` (with `role` and/or `avoidRole`).
 */
const placementRule = z
  .strictObject({
    spread: workloadNames.describe('Each of these on its own host (a group: each replica on its own host)').optional(),
    together: workloadNames.describe('All of these on one host').optional(),
    workloads: workloadNames.describe('The workloads `role` and `avoidRole` apply to').optional(),
    role: hostRoleName.describe('Only on hosts with this role (default: compute)').optional(),
    avoidRole: hostRoleName.describe('Never on a host with this role').optional(),
  })
  .describe('One placement intent: { spread: [vm1, vm2] }, { together: [vm1, vm2] }, or { workloads: [vm1], role: gateway } / { workloads: [vm1], avoidRole: gateway }');

export const topologySchema = z
  .strictObject({
    name: name.optional().describe('Defaults to the file name without extension'),
    description: z.string().optional().describe('What the topology is for, in a sentence'),
    tenants: z
      .array(z.strictObject({ name }))
      .min(1)
      .optional()
      .describe('Tenants (projects); a single tenant "default" when left out'),
    networks: z.array(network).min(1).describe('Networks (logical switches) with their subnets'),
    routers: z.array(router).default([]).describe('Routers between networks, and to the external network'),
    securityGroups: z.array(securityGroup).default([]).describe('Security groups (stateful port filters)'),
    workloads: z.array(workload).default([]).describe('Workloads: VMs, pods or lab namespaces, whatever the target runs'),
    placement: z
      .array(placementRule)
      .default([])
      .describe('Where workloads run, by intent (spread, together, role); workloads no rule names are spread over the compute hosts'),
    floatingIps: z.array(floatingIp).default([]).describe('Floating IPs: external addresses NATed to a workload port'),
    mirrors: z.array(mirror).default([]).describe('Port mirrors: copies of a workload port\'s traffic sent to a collector'),
    serviceChains: z.array(serviceChain).default([]).describe('Service chains: traffic between two networks steered through service instances'),
    policies: z.array(policy).default([]).describe('Network policies: stateful rules for connections between networks'),
  })
  .meta({ title: 'netvet topology', description: 'What a scenario builds through an orchestrator: tenants, networks, routers, security groups, workloads and floating IPs' });

export type TopologySpec = z.infer<typeof topologySchema>;
export type NetworkSpec = TopologySpec['networks'][number];
export type SubnetSpec = NetworkSpec['subnets'][number];
export type RouterSpec = TopologySpec['routers'][number];
export type SecurityGroupSpec = TopologySpec['securityGroups'][number];
export type WorkloadSpec = TopologySpec['workloads'][number];
export type FloatingIpSpec = TopologySpec['floatingIps'][number];
export type RouteSpec = z.infer<typeof route>;
export type ServiceChainSpec = TopologySpec['serviceChains'][number];
export type PolicySpec = TopologySpec['policies'][number];
export type PlacementRuleSpec = TopologySpec['placement'][number];
