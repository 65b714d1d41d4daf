import { Netmask } from 'netmask';
import { quoteArgv } from '../../access';
import type { Target } from '../../target/schema';
import type { Workload } from '../../topology';
import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import type { Deployment } from '../../orchestrators/types';
import type { Evidence, ExplainedFlow } from '../types';
import { parseTrace, type TraceOutcome } from './trace';
import { hintsFor, learnedMac, relevantFlows, type AclWords, type NorthboundRows } from './trace-lookups';
import { describeTrace, type TraceLabels } from './trace-words';

/**
 * What a driver made of a deployment in OVN's northbound DB, by the topology's names, and how to
 * say OVN's names back in the user's words.
 */
export interface OvnNames {
  /** The logical switch of a topology network. */
  switchOf(network: string): string;
  /** The router's gateway port and the localnet port of its external switch; undefined when it has none. */
  gatewayOf(router: string): { port: string; localnet: string } | undefined;
  /** The router as OVN names it, for messages. */
  routerOf(router: string): string;
  /**
   * The deployment's port id of a logical port as ovn-trace names it: ovn-trace says a port's
   * friendly name where it has one (Neutron's port name for a port named by its id). Itself when left out.
   */
  portOf?(traced: string): string;
  /** The logical router of a topology router, as OVN names it; undefined when the driver cannot say (drift then skips the router). */
  logicalRouterOf?(router: string): string | undefined;
  /** The port group of a topology security group; undefined when the driver cannot say. */
  portGroupOf?(group: string): string | undefined;
  /** The logical switch port of a workload's port (by index); the deployment's port id when left out. */
  logicalPortOf?(workload: string, index: number): string | undefined;
  /** ACLs the driver writes for one security group rule; 1 when left out. */
  aclsPerRule?: number;
  /** The index (in the topology group's rules) of the rule an ACL of the group's port group implements, if any. */
  ruleOfAcl?(group: string, acl: Record<string, string>): number | undefined;
  /** The port group every port with port security sits in, whose ACLs drop what no rule allows, and how many ACLs it has. */
  dropGroup?: { name: string; acls: number };
  /** Datapaths (and what a drop by an ACL means) in the user's words; OVN's names when left out. */
  labels?: Omit<Partial<TraceLabels>, 'port'>;
  /** ACLs in the user's words; OVN's when left out. */
  acls?: AclWords;
}

/** Where a traced packet enters the logical network, and its Ethernet and IP header. */
interface Ingress {
  inport: string;
  ethSrc: string;
  ethDst: string;
  ip4Src: string;
  ip4Dst: string;
}

/** A probe's ephemeral port: any will do, the ACLs match destination ports only. */
const CLIENT_PORT = 40000;
/** RFC 7042 documentation MAC, for a sender on the external network whose MAC OVN never learned. */
const UNKNOWN_MAC = '00:00:5e:00:53:01';
/** Enough `--ct` flags for every conntrack step of a path through two switches and a router. */
const CT_STEPS = 8;

const inCidr = (cidr: string, ip: string) => new Netmask(cidr).contains(ip);

/** The microflow of a probe (`reply` swaps the ports and answers). */
function microflow(ingress: Ingress, flow: ExplainedFlow, reply: boolean): string {
  const port = flow.port ?? 80;
  const [sport, dport] = reply ? [port, CLIENT_PORT] : [CLIENT_PORT, port];
  const l4 =
    flow.kind === 'icmp'
      ? `icmp4.type == ${reply ? 0 : 8} && icmp4.code == 0`
      : flow.kind === 'udp'
        ? `udp.src == ${sport} && udp.dst == ${dport}`
        : `tcp.src == ${sport} && tcp.dst == ${dport} && tcp.flags == ${reply ? '0x012' : '0x002'}`;
  return `inport == "${ingress.inport}" && eth.src == ${ingress.ethSrc} && eth.dst == ${ingress.ethDst} && ip4.src == ${ingress.ip4Src} && ip4.dst == ${ingress.ip4Dst} && ip.ttl == 64 && ${l4}`;
}

/**
 * Explains flows with `ovn-trace` against the southbound DB: from the source workload's logical
 * port (or the external network's localnet port) with its MAC and address, through every switch and
 * router, then the reply when the packet arrives. Each decision is named by the northbound row that
 * made it (ACL, NAT rule, route).
 */
export class OvnExplainer {
  private readonly sb: string;
  private readonly nb: NorthboundRows;

  /** One explainer per explanation: it reads each northbound table once, then from memory. */
  constructor(
    private readonly target: Target,
    northbound: NorthboundRows,
    private readonly names: OvnNames,
  ) {
    this.sb = target.ovn!.southbound;
    const tables = new Map<string, ReturnType<NorthboundRows['list']>>();
    this.nb = {
      list: (table, columns) => {
        const key = `${table} ${columns.join(',')}`;
        if (!tables.has(key)) tables.set(key, northbound.list(table, columns));
        return tables.get(key)!;
      },
    };
  }

  async explain(deployment: Deployment, flow: ExplainedFlow): Promise<Evidence> {
    const owner = (port: string) => {
      const id = this.names.portOf?.(port) ?? port;
      return Object.values(deployment.workloads).find((w) => w.ports.some((p) => p.id === id));
    };
    const label = (port: string) => {
      const workload = owner(port);
      return workload ? `${workload.name} (${port})` : port;
    };
    const ingress = await this.ingress(deployment, flow.from, flow.sourceAddress, flow.destinationAddress);
    if (typeof ingress === 'string') return { verdict: ingress, path: [ingress], details: [] };
    const forward = await this.trace(ingress, flow, false, label);
    const details = [{ name: 'ovn-trace', body: forward.text }];
    const path = [...forward.words.steps];
    const decisive = forward.words.decisions.filter((d) => d.kind !== 'route').map((d) => d.text);
    let verdict = forward.words.outcome + (forward.words.passes && decisive.length ? ` (${decisive.join('; ')})` : '');
    const stages = new Map(forward.words.stages);

    const arrived = forward.parsed.outcomes.find((o): o is Extract<TraceOutcome, { kind: 'output' }> => o.kind === 'output' && o.type === '');
    const workload = arrived && owner(arrived.port);
    if (arrived && workload) {
      // The reply leaves the workload the packet reached, from the address it arrived at.
      const back = await this.ingress(deployment, workload.name, arrived.hit.ip4.dst, arrived.hit.ip4.src);
      const reply = typeof back === 'string' ? undefined : await this.trace(back, flow, true, label);
      path.push(...(reply ? reply.words.steps : [back as string]).map((s) => `reply: ${s}`));
      verdict += `; its reply: ${reply ? reply.words.outcome : (back as string)}`;
      if (reply) {
        details.push({ name: 'ovn-trace of the reply', body: reply.text });
        for (const [datapath, set] of reply.words.stages) stages.set(datapath, new Set([...(stages.get(datapath) ?? []), ...set]));
        if (flow.observed === 'deny' && reply.words.passes) verdict += ': the logical flows pass it both ways, so look below them (OpenFlow on the chassis, tunnels, the workload)';
      }
    }
    const flows = await relevantFlows(this.sb, stages);
    if (flows) details.push({ name: 'logical flows of the deciding stages', body: flows });
    return { verdict, path, details };
  }

  private async trace(ingress: Ingress, flow: ExplainedFlow, reply: boolean, label: (port: string) => string) {
    const argv = ['ovn-trace', `--db=${this.sb}`, '--detailed', ...Array<string>(CT_STEPS).fill(reply ? '--ct=trk,est,rpl' : '--ct=trk,new'), microflow(ingress, flow, reply)];
    const result = await run(argv, { timeoutMs: 20_000 });
    const parsed = parseTrace(result.stdout);
    const words = describeTrace(parsed, await hintsFor(this.sb, this.nb, parsed.hits, this.names.acls), { ...this.names.labels, port: label });
    return { parsed, words, text: `$ ${quoteArgv(argv)}\n\n${result.stdout}` };
  }

  /** Where a packet from `from` to `destination` enters OVN; a string says why it cannot. */
  private async ingress(deployment: Deployment, from: string, source: string, destination: string): Promise<Ingress | string> {
    const workload = deployment.topology.workloads.find((w) => w.name === from.split(':')[0]);
    if (workload) return this.fromWorkload(deployment, workload, destination);
    const external = this.target.externalNetwork;
    if (external && inCidr(external.cidr, source)) {
      const router = this.routerReachedAt(deployment, destination);
      if (!router) {
        throw new NetvetError(`${destination} is no floating IP or router gateway of ${deployment.prefix}`, `from the external network, OVN is entered only through those`);
      }
      const gateway = this.names.gatewayOf(router);
      const port = gateway && (await this.nb.list('Logical_Router_Port', ['name', 'mac'])).find((p) => p.name === gateway.port);
      if (!gateway || !port) return `router ${this.names.routerOf(router)} has no gateway port${gateway ? ` ${gateway.port}` : ''}`;
      const ethSrc = (await learnedMac(this.sb, gateway.port, source)) ?? UNKNOWN_MAC;
      return { inport: gateway.localnet, ethSrc, ethDst: port.mac, ip4Src: source, ip4Dst: destination };
    }
    throw new NetvetError(`${from} (${source}) is not on a logical network of ${deployment.prefix}`, 'explain flows from workloads, or from the external network to floating IPs and router gateways');
  }

  /** The router whose gateway answers `address`: as its own external address or a floating IP's. */
  private routerReachedAt(deployment: Deployment, address: string): string | undefined {
    const own = Object.values(deployment.routers).find((r) => r.externalAddress === address);
    if (own) return own.name;
    const fip = Object.values(deployment.floatingIps).find((f) => f.address === address && f.workload !== null);
    const network = fip && deployment.topology.workloads.find((w) => w.name === fip.workload)?.ports[fip.port ?? 0]?.network;
    return deployment.topology.routers.find((r) => r.externalGateway && r.interfaces.some((i) => i.network === network))?.name;
  }

  /** As the workload's kernel would: its connected networks, then its routes (its own, and those DHCP pushes to a DHCP port), then the default gateway. */
  private async fromWorkload(deployment: Deployment, workload: Workload, destination: string): Promise<Ingress | string> {
    const connected = workload.ports.find((p) => inCidr(p.cidr, destination));
    const pushed = workload.ports
      .filter((p) => p.dhcp)
      .flatMap((p) => deployment.topology.networks.find((n) => n.name === p.network)?.subnets.find((s) => s.name === p.subnet)?.hostRoutes ?? []);
    const route = [...workload.routes, ...pushed]
      .filter((r) => inCidr(r.destination, destination))
      .sort((a, b) => new Netmask(b.destination).bitmask - new Netmask(a.destination).bitmask)[0];
    const nexthop = connected ? destination : (route?.nexthop ?? workload.ports[0]?.gateway);
    const port = connected ?? workload.ports.find((p) => nexthop && inCidr(p.cidr, nexthop));
    if (!nexthop || !port) return `${workload.name} has no route to ${destination}`;
    const switchName = this.names.switchOf(port.network);
    const ethDst = await this.macOn(switchName, nexthop);
    if (!ethDst) {
      const what = connected ? destination : `${nexthop}, ${workload.name}'s ${route ? 'route' : 'gateway'} toward ${destination}`;
      return `no port on ${this.names.labels?.datapath?.(switchName, 'switch') ?? `switch ${switchName}`} has ${what}: ${workload.name}'s ARP request for it gets no answer`;
    }
    const deployed = deployment.workloads[workload.name]?.ports[port.index];
    if (!deployed) throw new NetvetError(`workload ${workload.name} of ${deployment.prefix} has no port ${port.index}`, 'explain flows of a deployment that was fully built');
    // The deployment's port id is the logical switch port's name (the lab's planned name, Neutron's port id).
    return { inport: deployed.id, ethSrc: deployed.mac, ethDst, ip4Src: deployed.address, ip4Dst: destination };
  }

  /** The MAC that answers ARP for `ip` on a logical switch: a port's address, or a router port's. */
  private async macOn(switchName: string, ip: string): Promise<string | undefined> {
    const [switches, ports, routerPorts] = await Promise.all([
      this.nb.list('Logical_Switch', ['name', 'ports']),
      this.nb.list('Logical_Switch_Port', ['_uuid', 'type', 'addresses', 'options']),
      this.nb.list('Logical_Router_Port', ['name', 'mac', 'networks']),
    ]);
    const members = new Set(switches.find((s) => s.name === switchName)?.ports.split(' ') ?? []);
    for (const port of ports.filter((p) => members.has(p._uuid))) {
      if (port.type === 'router') {
        const peer = routerPorts.find((r) => r.name === /router-port=(\S+)/.exec(port.options)?.[1]);
        if (peer?.networks.split(' ').some((n) => n.split('/')[0] === ip)) return peer.mac;
        continue;
      }
      // addresses: "MAC IP [IP...]" entries, flattened into one list of words.
      let mac: string | undefined;
      for (const word of port.addresses.split(' ')) {
        if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(word)) mac = word;
        else if (word === ip && mac) return mac;
      }
    }
    return undefined;
  }
}
