import { z } from 'zod';
import { ORCHESTRATOR_NAMES } from '../orchestrators/registry';
import { SDN_NAMES } from '../sdn/registry';

/**
 * A target file describes a deployment the way any deployment is described: hosts with roles, how
 * to reach them, the SDN's control-plane endpoints, the external network and what it can do.
 * `lab up` writes one; a QA engineer writes one by hand for a real cloud. One zod definition gives
 * both the TypeScript type and the published JSON Schema (schemas/target.schema.json).
 */
// zod's formats check each octet (999.1.1.1 is refused) and the prefix length, and publish `format: ipv4`.
const ipv4 = z.ipv4();
const cidr = z.cidrv4();

export const hostRole = z.enum(['control', 'compute', 'gateway', 'external', 'router']).describe('router: an underlay router between data subnets (it carries tunnel traffic, it ends none)');

export const sshAccess = z
  .object({
    user: z.string().default('root'),
    port: z.number().int().min(1).max(65535).default(22),
    privateKey: z.string().describe('Path of the private key the runner logs in with'),
  })
  .strict();

export const targetHost = z
  .object({
    name: z.string().min(1),
    roles: z.array(hostRole).min(1),
    management: ipv4.describe('Address the runner reaches the host on (SSH)'),
    hostKey: z.string().optional().describe('Pinned SSH host key, OpenSSH public key format'),
    data: z
      .object({
        address: ipv4.describe('Tunnel endpoint address'),
        interface: z.string().describe('Interface that carries tunnel traffic'),
        uplinks: z.array(z.string()).default([]),
      })
      .strict()
      .optional(),
    integrationBridge: z.string().optional(),
    external: z
      .object({ address: ipv4.describe('The host\'s address on the external network: what workloads reach it at and what it answers from') })
      .strict()
      .optional()
      .describe('A host with role external: its place on the external network, which may differ from its management address'),
  })
  .strict();

export const encapsulation = z.enum(['geneve', 'vxlan', 'mplsoudp', 'mplsogre', 'gre']);

export const raftMember = z
  .object({ host: z.string(), address: z.string().describe('Raft address, e.g. tcp:10.0.0.11:6643') })
  .strict();

export const targetSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    name: z.string().min(1),
    sdn: z.enum(SDN_NAMES).default('ovn').describe('The SDN that carries the traffic (lib/sdn/<name>)'),
    orchestrator: z.enum(ORCHESTRATOR_NAMES).describe("How topologies are built (lib/orchestrators/<name>): ovn-northbound writes OVN's northbound DB directly; openstack goes through Keystone, Neutron and Nova; bagpipe attaches ports to BGP IP VPNs through bagpipe-bgp's REST API"),
    access: z.object({ ssh: sshAccess }).strict(),
    hosts: z.array(targetHost).min(1),
    ovn: z
      .object({
        northbound: z.string().describe('OVSDB connection string, e.g. tcp:10.0.0.11:6641,tcp:10.0.0.12:6641'),
        southbound: z.string(),
        northboundCluster: z.array(raftMember).default([]),
        southboundCluster: z.array(raftMember).default([]),
        northd: z.array(z.string()).default([]).describe('Hosts running ovn-northd'),
      })
      .strict()
      .optional(),
    encapsulation: z
      .object({ current: encapsulation, supported: z.array(encapsulation).min(1) })
      .strict(),
    externalNetwork: z
      .object({
        physicalNetwork: z.string().describe('Provider network name the gateway bridge maps'),
        cidr,
        gateway: ipv4.describe('Address on the external segment that routes for it'),
        runnerAddress: ipv4.optional().describe('The address the runner\'s packets to this network come from: its own on the segment, or its routed source address (`ip route get <gateway>`)'),
        floatingIpRange: z.object({ start: ipv4, end: ipv4 }).strict(),
        /** Addresses routers may take as their gateway port, apart from floating IPs. */
        routerGatewayRange: z.object({ start: ipv4, end: ipv4 }).strict(),
      })
      .strict()
      .optional(),
    workloads: z
      .object({
        mtu: z.number().int().min(576).max(9000).default(1500),
        /** Workload namespaces netvet makes start with this, so a lab's own teardown finds them. */
        namespacePrefix: z.string().regex(/^[a-z0-9-]*$/).default('nv-'),
      })
      .strict()
      .default({ mtu: 1500, namespacePrefix: 'nv-' }),
    openstack: z
      .object({
        cloud: z.string().optional().describe('Entry of clouds.yaml to use; else OS_CLOUD, else the OS_* variables'),
        cloudsYaml: z.string().optional().describe('Path of clouds.yaml; else OS_CLIENT_CONFIG_FILE, ./clouds.yaml, ~/.config/openstack/clouds.yaml, /etc/openstack/clouds.yaml'),
        dashboardUrl: z.string().url().optional().describe('Horizon, for GUI tests'),
        externalNetwork: z.string().optional().describe('Neutron network for router gateways and floating IPs; else the only router:external one'),
        servers: z
          .enum(['nova', 'port-binding'])
          .default('nova')
          .describe(
            "nova: servers are booted through Nova (flavor and image below) on the port netvet made, pinned to a compute host; where the hypervisor does not plug them (Nova's fake driver), netvet plugs the port into a workload namespace there. port-binding: no Nova; a server is a Neutron port bound to a workload namespace on a compute host over SSH (OVS iface-id), as Nova and os-vif do",
          ),
        flavor: z.string().optional().describe('Nova flavor of every server (servers: nova)'),
        image: z.string().optional().describe('Glance image (name or id) servers boot from (servers: nova)'),
      })
      .strict()
      .refine((o) => o.servers !== 'nova' || (o.flavor && o.image), { message: 'servers: nova needs a flavor and an image', path: ['servers'] })
      .optional()
      .describe('OpenStack in front of the SDN: the openstack driver (playwright --project openstack) builds topologies through its APIs'),
    bgpvpn: z
      .object({
        asn: z.number().int().min(1).max(65535).describe('The AS of the PEs and the route reflector (iBGP)'),
        routeReflector: z
          .object({ host: z.string(), address: ipv4, api: z.string().describe('gobgpd gRPC API, host:port, as `gobgp -u/-p` take it') })
          .strict(),
        providerEdges: z
          .array(z.object({ host: z.string(), api: z.string().url().describe("bagpipe-bgp's REST API"), bridge: z.string().describe('The OVS bridge its IP VPN driver owns') }).strict())
          .min(1),
      })
      .strict()
      .optional()
      .describe('BGP IP VPNs (sdn: bgpvpn): the PEs running bagpipe-bgp and their route reflector'),
    vmware: z
      .object({
        url: z.string().url().regex(/^https:\/\//, 'an https:// URL').describe("The vCenter SDK endpoint, as govc's GOVC_URL: https://vcenter.example.com/sdk"),
        credentials: z
          .string()
          .optional()
          .describe('A file of GOVC_USERNAME, GOVC_PASSWORD and GOVC_TLS_CA_CERTS (or VSPHERE_USER, VSPHERE_PASSWORD) lines, the owner\'s only; else those variables'),
        datacenter: z.string().min(1),
        cluster: z.string().min(1).describe('The cluster whose ESXi hosts run the VMs; each host is named as the target host (chassis) that stands for it'),
        distributedSwitch: z.string().min(1).describe('The distributed switch networks become port groups of'),
        datastore: z.string().min(1).describe('The datastore VM files go to'),
      })
      .strict()
      .optional()
      .describe('vCenter in front of the SDN: the vmware driver (playwright --project vmware) builds networks as distributed port groups and workloads as VMs, the SDN beside vCenter does routers, security groups and floating IPs'),
    upgrade: z
      .object({
        command: z.string().min(1).describe('Shell command the runner runs to upgrade the target (NETVET_TARGET names this file); it must return once the upgrade is done'),
        timeoutMinutes: z.number().int().min(1).default(120),
      })
      .strict()
      .optional()
      .describe('The upgrade procedure of `netvet upgrade run`; without it, a rolling restart of every chassis and control-plane member, one at a time, converting each OVSDB database to the installed schema'),
    capabilities: z.array(z.string()).default([]),
  })
  .strict();

export type Target = z.infer<typeof targetSchema>;
export type TargetHost = z.infer<typeof targetHost>;
export type HostRole = z.infer<typeof hostRole>;
export type Encapsulation = z.infer<typeof encapsulation>;
