import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { long2ip, Netmask } from 'netmask';
import { z } from 'zod';
import { namespaceShell } from '../../access';
import { authorizedKeyOf } from '../../access/ssh-key';
import { attachPort, bestRoutes, detachPort, vrf, vrfIds, vrfPorts, type PortAttachment } from '../../sdn/bgpvpn/bagpipe';
import type { BgpVpnNames } from '../../sdn/bgpvpn/binding';
import type { TargetHosts } from '../../target/hosts';
import type { Target } from '../../target/schema';
import type { Topology, Workload, WorkloadPort } from '../../topology';
import { NetvetError } from '../../util/errors';
import type { RunJournal } from '../journal';
import { placeWorkloads } from '../shared/placement';
import { findKeptWorkload, plugWorkload, sweepWorkloads, unplugWorkload, workloadUndo } from '../shared/workload';
import type { Bindings, DeployedRouter, DeployedWorkload, Deployment, Orchestrator } from '../types';

type BgpVpnSection = NonNullable<Target['bgpvpn']>;

const attachmentRecord = z
  .object({
    attachment: z
      .object({
        host: z.string(),
        vpnInstance: z.string(),
        port: z.string(),
        address: z.string(),
        prefixLength: z.number(),
        mac: z.string(),
        gateway: z.string(),
        importTargets: z.array(z.string()),
        exportTargets: z.array(z.string()),
        advertiseSubnet: z.boolean().optional(),
      })
      .strict(),
  })
  .strict();
/** Undo records of this driver, as written to the run journal and checked when read back. */
const undoRecord = z.union([attachmentRecord, workloadUndo]);
type Undo = z.infer<typeof undoRecord>;

/** How long attachments may take to reach every PE of their VPNs (the first attach on a PE starts its privsep helper). */
const CONVERGENCE_MS = 60_000;

/** A veth name unique per workload port, within Linux's 15 characters; it is also the port's id. */
function tapOf(prefix: string, workload: string, index: number): string {
  return `bv${createHash('sha1').update(`${prefix}${workload}-${index}`).digest('hex').slice(0, 12)}`;
}

/**
 * A deployment's VPNs: each network an IP VPN instance named by prefix and network, exporting a
 * route target derived from that name (one number per network, the same on every run of the
 * prefix), importing its own and those of every network it shares a router with.
 */
export function vpnNames(prefix: string, topology: Topology, asn: number): BgpVpnNames & { importsOf(network: string): string[] } {
  const routeTarget = (network: string) => `${asn}:${(createHash('sha1').update(`${prefix}${network}`).digest().readUInt32BE(0) & 0x7fffffff) || 1}`;
  const vpnOf = (network: string) => {
    if (!topology.networks.some((n) => n.name === network)) throw new NetvetError(`the deployment ${prefix} has no network '${network}'`, `use one of: ${topology.networks.map((n) => n.name).join(', ')}`);
    return { instance: `${prefix}${network}`, routeTarget: routeTarget(network) };
  };
  const joined = (network: string) => topology.routers.filter((r) => r.interfaces.some((i) => i.network === network)).flatMap((r) => r.interfaces.map((i) => i.network));
  return { vpnOf, importsOf: (network) => [...new Set([network, ...joined(network)])].map(routeTarget) };
}

/** The workload port a router route goes through: the one with the next hop's address on one of the router's networks. */
function routeOwner(topology: Topology, router: { interfaces: ReadonlyArray<{ network: string }> }, nexthop: string): { workload: Workload; port: WorkloadPort } | undefined {
  for (const workload of topology.workloads) {
    const port = workload.ports.find((p) => p.address === nexthop && router.interfaces.some((i) => i.network === p.network));
    if (port) return { workload, port };
  }
  return undefined;
}

/** What this driver cannot build, in the topology's words: BGP VPNs have no security groups, NAT or external gateways. */
function refuseUnbuildable(topology: Topology): void {
  const unbuildable = [
    ...(topology.floatingIps.length ? ['floating IPs'] : []),
    ...topology.routers.filter((r) => r.externalGateway).map((r) => `router ${r.name}'s external gateway`),
    ...topology.routers.flatMap((r) => r.routes.filter((route) => !routeOwner(topology, r, route.nexthop)).map((route) => `router ${r.name}'s route to ${route.destination} via ${route.nexthop}, which no workload on its networks has`)),
  ];
  if (unbuildable.length) {
    throw new NetvetError(
      `topology ${topology.name} has ${unbuildable.join(', ')}, which the bagpipe orchestrator does not build (a BGP IP VPN routes between VPNs by route targets only)`,
      'run it against an OVN target, or drop them from the topology (a router route needs a workload port with its next hop on one of the router\'s networks)',
      { file: topology.file },
    );
  }
}

/**
 * bagpipe-bgp carries a VPN between PEs (and between VRFs of one PE), never between two ports of one
 * VRF on one PE: networking-bagpipe leaves that to Neutron's L2 agent, which a BGP VPN alone lacks.
 */
function refuseSharedPe(topology: Topology, placement: Map<string, string>): void {
  const seen = new Map<string, string>();
  for (const workload of topology.workloads) {
    for (const port of workload.ports) {
      const key = `${port.network}@${placement.get(workload.name)}`;
      const other = seen.get(key);
      if (other && other !== workload.name) {
        throw new NetvetError(
          `${other} and ${workload.name} of topology ${topology.name} would share network ${port.network} on ${placement.get(workload.name)}: bagpipe-bgp does not switch between two ports of one VPN on one PE (networking-bagpipe leaves that to the L2 agent)`,
          `place them on different PEs (placement: spread: [${other}, ${workload.name}]), or put them in two networks joined by a router`,
          { file: topology.file },
        );
      }
      seen.set(key, workload.name);
    }
  }
}

/**
 * Builds topologies on BGP IP VPNs through bagpipe-bgp's REST API on each PE, as the
 * networking-bagpipe agent does for Neutron: each workload a namespace on a PE whose veth is
 * plugged into the PE's bridge and attached to its network's VPN; a router joins VPNs by making
 * each import the others' route targets. Done means every PE of a VPN holds a route to every port.
 */
export class BagpipeOrchestrator implements Orchestrator {
  readonly name = 'bagpipe';
  readonly facets = {};
  readonly bindings: Bindings = { bgpvpn: (deployment) => Promise.resolve(vpnNames(deployment.prefix, deployment.topology, this.vpn.asn)) };
  private readonly vpn: BgpVpnSection;
  /** Attachments to one PE go one at a time: two first ports of a VRF attached at once race to create it. */
  private readonly attaching = new Map<string, Promise<void>>();

  constructor(
    private readonly target: Target,
    private readonly hosts: TargetHosts,
  ) {
    if (!target.bgpvpn) throw new NetvetError(`target '${target.name}' has no bgpvpn section`, 'the bagpipe orchestrator attaches ports through bagpipe-bgp: add bgpvpn.providerEdges to the target file');
    this.vpn = target.bgpvpn;
  }

  private edge(host: string): BgpVpnSection['providerEdges'][number] {
    const pe = this.vpn.providerEdges.find((p) => p.host === host);
    if (!pe) throw new NetvetError(`host ${host} runs no bagpipe-bgp`, `list it in bgpvpn.providerEdges of target '${this.target.name}', or take the compute role from it`);
    return pe;
  }

  async reachable(): Promise<void> {
    const silent = (await Promise.all(this.vpn.providerEdges.map(async (pe) => ((await fetch(`${pe.api}/ping`, { signal: AbortSignal.timeout(3000) }).then((r) => r.ok, () => false)) ? [] : [pe])))).flat();
    if (silent.length) {
      throw new NetvetError(`bagpipe-bgp does not answer on ${silent.map((pe) => `${pe.host} (${pe.api})`).join(', ')}`, 'start bagpipe-bgp there (netvet lab status shows the lab\'s), then run again');
    }
  }

  async apply(topology: Topology, journal: RunJournal): Promise<Deployment> {
    refuseUnbuildable(topology);
    const names = vpnNames(journal.prefix, topology, this.vpn.asn);
    const placement = placeWorkloads(topology, this.target.hosts.filter((h) => this.vpn.providerEdges.some((pe) => pe.host === h.name)), this.target.name);
    const authorizedKey = await authorizedKeyOf(this.target.access.ssh.privateKey);
    refuseSharedPe(topology, placement);
    const workloads: Record<string, DeployedWorkload> = {};
    await Promise.all(topology.workloads.map(async (w) => (workloads[w.name] = await this.plug(journal, names, w, placement.get(w.name)!, authorizedKey))));
    const routed = await this.attachRouterRoutes(journal, names, topology, placement);
    await this.waitForRoutes(names, topology, workloads, routed);
    const routers = Object.fromEntries(topology.routers.map((r): [string, DeployedRouter] => [r.name, { name: r.name, externalAddress: null }]));
    return { topology, prefix: journal.prefix, workloads, routers, floatingIps: {} };
  }

  private attachment(names: ReturnType<typeof vpnNames>, port: WorkloadPort, tap: string): PortAttachment {
    const { instance, routeTarget } = names.vpnOf(port.network);
    // bagpipe answers ARP for the gateway; a subnet without one gets its last address, which no workload is planned on.
    const gateway = port.gateway ?? long2ip(new Netmask(port.cidr).netLong + new Netmask(port.cidr).size - 2);
    return { vpnInstance: instance, port: tap, address: port.address, prefixLength: port.prefixLength, mac: port.mac, gateway, importTargets: names.importsOf(port.network), exportTargets: [routeTarget] };
  }

  private async plug(journal: RunJournal, names: ReturnType<typeof vpnNames>, workload: Workload, host: string, authorizedKey: string): Promise<DeployedWorkload> {
    const pe = this.edge(host);
    const shell = this.hosts.shell(host);
    const netns = `${this.target.workloads.namespacePrefix}${journal.prefix}${workload.name}`;
    const dir = `/run/netvet/workloads/${netns}`;
    const ports = workload.ports.map((p) => ({ ...p, tap: tapOf(journal.prefix, workload.name, p.index) }));
    journal.record(`workload ${workload.name} on ${host}`, { workload: { host, netns, taps: ports.map((p) => p.tap), dir } } satisfies Undo);
    const hostKey = await plugWorkload(shell, {
      netns,
      hostname: workload.name,
      mtu: this.target.workloads.mtu,
      forwarding: workload.forwarding,
      // Static addresses: a BGP VPN has no DHCP server; the planned address is the one the route advertises.
      ports: ports.map((p) => ({ tap: p.tap, iface: p.interface, mac: p.mac, address: p.address, prefixLength: p.prefixLength, logicalPort: p.tap, dhcp: false })),
      defaultGateway: ports[0] ? this.attachment(names, ports[0], ports[0].tap).gateway : null,
      routes: workload.routes,
      runPrefix: journal.prefix,
      dir,
      integrationBridge: pe.bridge,
      authorizedKey,
    });
    for (const port of ports) {
      const attachment = this.attachment(names, port, port.tap);
      journal.record(`port ${port.tap} of ${workload.name} in VPN ${attachment.vpnInstance} on ${host}`, { attachment: { host, ...attachment } } satisfies Undo);
      await this.serialized(host, () => attachPort(pe.api, attachment));
    }
    return {
      name: workload.name,
      host,
      ports: ports.map((p) => ({ network: p.network, address: p.address, mac: p.mac, interface: p.interface, id: p.tap })),
      shell: namespaceShell(shell, netns),
      hostKey,
    };
  }

  /**
   * A static route via a workload, as networking-bagpipe makes a BGPVPN prefix route: the
   * next hop's port attached once more with the destination prefix, advertised as such (bagpipe
   * gives it the port's label), in the VPN of the port's network, which the router's others import.
   */
  private async attachRouterRoutes(journal: RunJournal, names: ReturnType<typeof vpnNames>, topology: Topology, placement: Map<string, string>): Promise<Array<{ host: string; network: string; prefix: string; via: string }>> {
    const routed: Array<{ host: string; network: string; prefix: string; via: string }> = [];
    // A workload's own route through another workload of its network is one more such prefix, in that
    // network's VPN: an IP VPN forwards by the destination address, never to a next hop's MAC.
    const tables = topology.workloads.flatMap((w) => w.routes.map((route) => ({ name: `${w.name}'s route table`, interfaces: w.ports.map((p) => ({ network: p.network })), routes: [route] })));
    const routers = [...topology.routers.map((r) => ({ ...r, name: `router ${r.name}` })), ...tables.filter((t) => routeOwner(topology, t, t.routes[0].nexthop))];
    for (const router of routers) {
      for (const route of router.routes) {
        const { workload, port } = routeOwner(topology, router, route.nexthop)!;
        const host = placement.get(workload.name)!;
        const [address, length] = route.destination.split('/');
        const attachment = { ...this.attachment(names, port, tapOf(journal.prefix, workload.name, port.index)), address, prefixLength: Number(length), advertiseSubnet: true };
        journal.record(`route ${route.destination} of ${router.name} via ${workload.name} in VPN ${attachment.vpnInstance} on ${host}`, { attachment: { host, ...attachment } } satisfies Undo);
        await this.serialized(host, () => attachPort(this.edge(host).api, attachment));
        routed.push({ host, network: port.network, prefix: route.destination, via: workload.name });
      }
    }
    return routed;
  }

  /** Runs `attach` after every earlier attachment to the same PE. */
  private serialized(host: string, attach: () => Promise<void>): Promise<void> {
    const attached = (this.attaching.get(host) ?? Promise.resolve()).then(attach);
    this.attaching.set(host, attached.catch(() => undefined));
    return attached;
  }

  /** Waits until each port's VRF holds a route to every port (and routed prefix) of the VPNs it imports on other PEs. */
  private async waitForRoutes(names: ReturnType<typeof vpnNames>, topology: Topology, workloads: Record<string, DeployedWorkload>, routed: Array<{ host: string; network: string; prefix: string; via: string }>): Promise<void> {
    const ports = Object.values(workloads).flatMap((w) => w.ports.map((p) => ({ host: w.host, workload: w.name, network: p.network, address: p.address })));
    const destinations = [...ports.map((p) => ({ host: p.host, network: p.network, prefix: `${p.address}/32`, what: `${p.workload} ${p.address}` })), ...routed.map((r) => ({ ...r, what: `${r.prefix} via ${r.via}` }))];
    const missing = async () => {
      const gaps: string[] = [];
      for (const source of ports) {
        const { instance } = names.vpnOf(source.network);
        const imported = new Set(names.importsOf(source.network));
        const expected = destinations.filter((d) => d.host !== source.host && imported.has(names.vpnOf(d.network).routeTarget));
        if (!expected.length) continue;
        const routes = new Set((await bestRoutes(this.edge(source.host).api, instance).catch(() => [])).map((r) => r.prefix));
        gaps.push(...expected.filter((d) => !routes.has(d.prefix)).map((d) => `${source.workload} (${source.host}) -> ${d.what}`));
      }
      return gaps;
    };
    const deadline = Date.now() + CONVERGENCE_MS;
    for (let gaps = await missing(); gaps.length; gaps = await missing()) {
      if (Date.now() > deadline) {
        throw new NetvetError(`topology ${topology.name}: no VPN route after ${CONVERGENCE_MS / 1000} s for ${gaps.join(', ')}`, 'check the BGP sessions (netvet target check) and bagpipe-bgp.log on those PEs');
      }
      await sleep(200);
    }
  }

  /** Undoes newest first (detach, then the workload); what is already gone is no error. */
  async undo(journal: RunJournal): Promise<void> {
    const failures: string[] = [];
    for (const entry of journal.undoEntries(undoRecord)) {
      try {
        if ('attachment' in entry.undo) await this.detach(entry.undo.attachment);
        else await unplugWorkload(this.hosts.shell(entry.undo.workload.host), { ...entry.undo.workload, integrationBridge: this.edge(entry.undo.workload.host).bridge });
      } catch (error) {
        failures.push(`${entry.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length) throw new NetvetError(`could not remove: ${failures.join('; ')}`, "run 'netvet cleanup' once the target is reachable");
  }

  /** Detaches a port unless its PE no longer has it (a journal entry written before the attach, or a PE restarted since). */
  private async detach(a: PortAttachment & { host: string }): Promise<void> {
    const api = this.edge(a.host).api;
    if (!(await vrfIds(api)).includes(a.vpnInstance)) return;
    if (!(await vrfPorts(api, a.vpnInstance)).some((p) => p.port === a.port)) return;
    await detachPort(api, a);
  }

  /** Detaches every port of a VPN instance named with `prefix`, then removes the workloads and their OVS ports. */
  async sweep(prefix: string): Promise<string[]> {
    const removed: string[] = [];
    for (const pe of this.vpn.providerEdges) {
      for (const id of (await vrfIds(pe.api)).filter((i) => i.startsWith(prefix))) {
        const summary = await vrf(pe.api, id);
        const strip = (rts: string[]) => rts.map((rt) => rt.replace(/^target:/, ''));
        for (const port of await vrfPorts(pe.api, id)) {
          await detachPort(pe.api, {
            vpnInstance: id, port: port.port, address: port.address, prefixLength: port.prefixLength, mac: port.mac, gateway: summary.gateway_ip, advertiseSubnet: port.prefixLength !== summary.subnet_prefix_length,
            importTargets: strip(summary.route_targets.import), exportTargets: strip(summary.route_targets.export),
          });
          removed.push(`port ${port.port} of VPN ${id} on ${pe.host}`);
        }
      }
      const swept = await sweepWorkloads(this.hosts.shell(pe.host), `${this.target.workloads.namespacePrefix}${prefix}`, prefix, pe.bridge);
      removed.push(...swept.map((what) => `${what} on ${pe.host}`));
    }
    return removed;
  }

  async reattach(journal: RunJournal): Promise<Deployment> {
    const topology = journal.header()?.plan;
    if (!topology) throw new NetvetError(`the journal of ${journal.prefix} has no planned topology (an older netvet wrote it)`, `remove it and apply again: netvet topology destroy --prefix ${journal.prefix}`);
    const workloads: Record<string, DeployedWorkload> = {};
    for (const workload of topology.workloads) {
      const kept = await findKeptWorkload(this.hosts, journal, workload.name);
      workloads[workload.name] = {
        name: workload.name,
        ...kept,
        ports: workload.ports.map((p) => ({ network: p.network, address: p.address, mac: p.mac, interface: p.interface, id: tapOf(journal.prefix, workload.name, p.index) })),
      };
    }
    const routers = Object.fromEntries(topology.routers.map((r): [string, DeployedRouter] => [r.name, { name: r.name, externalAddress: null }]));
    return { topology, prefix: journal.prefix, workloads, routers, floatingIps: {} };
  }

  /** Nothing beyond the SDN's own view (lib/sdn/bgpvpn): the PEs hold every attachment. */
  diagnose(): Promise<Array<{ name: string; body: string }>> {
    return Promise.resolve([]);
  }
}
