import { setTimeout as sleep } from 'node:timers/promises';
import { Netmask } from 'netmask';
import type { Deployment, Orchestrator } from '../../orchestrators/types';
import type { TargetHosts } from '../../target/hosts';
import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';
import type { Attachment, ConfigWrites, EncapsulationSwitch, Evidence, ExplainedFlow, NetworkSegment, Sdn, SdnFaults, SdnHealth, SdnNode, UpgradeStep } from '../types';
import { capture } from '../../capture/capture';
import { vpnUpdates, type VpnUpdate } from '../../capture/bgp';
import { advertisedRoutes, bestRoutes, lookingGlass, peerStates, vrf, vrfIds, vrfPorts, type VpnRoute } from './bagpipe';
import { bgpVpnNamesOf } from './binding';
import { DaemonFaults } from './faults';
import { reflectedRoutes, reflectorSessions, resendRoutes } from './reflector';

export type BgpVpnSection = NonNullable<Target['bgpvpn']>;
type ProviderEdge = BgpVpnSection['providerEdges'][number];

/** What the looking glass' `config` says of a PE's IP VPN data plane. */
interface PeConfig {
  BGP: { local_address: string; peers: string[] };
  DATAPLANE_DRIVER_IPVPN: { dataplane_local_address: string; vxlan_encap: boolean; ovs_bridge: string };
}

/** The encapsulation a PE prefers, as its configuration says: VXLAN when enabled (bagpipe then prefers it), else MPLS over GRE. */
const encapsulationOf = (config: PeConfig) => (config.DATAPLANE_DRIVER_IPVPN.vxlan_encap ? 'vxlan' : 'mplsogre');

/**
 * BGP IP VPNs (RFC 4364) as BaGPipe runs them: a bagpipe-bgp per PE (its looking glass and REST
 * API), a route reflector (gobgpd, asked through its CLI on its host), labels per VRF advertised in
 * labeled VPN routes and pushed by OVS. What does not apply to BGP VPNs (Raft, northd, switching the
 * encapsulation of a running PE) throws naming why; the capabilities keep scenarios from asking.
 */
export class BgpVpnSdn implements Sdn {
  readonly name = 'bgpvpn';
  private readonly vpn: BgpVpnSection;

  constructor(
    private readonly target: Target,
    private readonly hosts: TargetHosts,
  ) {
    if (!target.bgpvpn) throw new NetvetError(`target '${target.name}' has sdn: bgpvpn but no bgpvpn section`, 'add bgpvpn.asn, bgpvpn.routeReflector and bgpvpn.providerEdges to the target file');
    this.vpn = target.bgpvpn;
  }

  /** The PE a target host is; throws when the host runs no bagpipe-bgp. */
  providerEdge(host: string): ProviderEdge {
    const pe = this.vpn.providerEdges.find((p) => p.host === host);
    if (!pe) throw new NetvetError(`host ${host} is no PE of target '${this.target.name}'`, `place workloads on a PE: ${this.vpn.providerEdges.map((p) => p.host).join(', ')}`);
    return pe;
  }

  /**
   * The labeled VPN routes the route reflector sends a PE, as BGP UPDATEs on the wire: captured on
   * the reflector's host while it re-sends that PE everything it reflects (a soft reset out, RFC
   * 2918's route refresh from the sender's side), so no session is torn down.
   */
  async reflectedUpdates(host: string): Promise<VpnUpdate[]> {
    this.providerEdge(host);
    const rr = this.vpn.routeReflector;
    const address = this.target.hosts.find((h) => h.name === host)!.management;
    const shell = this.hosts.shell(rr.host);
    const { packets } = await capture(shell, { iface: 'any', filter: ['tcp', 'port', '179', 'and', 'host', address], snapLength: 0, maxSeconds: 30 }, async () => {
      await resendRoutes(shell, rr.api, address);
      // The reflector sends at once; its UPDATEs are on the wire well within this.
      await sleep(1000);
    });
    return vpnUpdates(packets).filter((u) => u.to === address);
  }

  async health(): Promise<SdnHealth> {
    const rr = this.vpn.routeReflector;
    const [edges, sessions] = await Promise.all([
      Promise.all(
        this.vpn.providerEdges.map(async (pe) => {
          try {
            const [peers, vrfs] = await Promise.all([peerStates(pe.api), vrfIds(pe.api)]);
            return { pe, peers, vrfs };
          } catch (error) {
            return { pe, error: error instanceof Error ? error.message : String(error) };
          }
        }),
      ),
      reflectorSessions(this.hosts.shell(rr.host), rr.api).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    ]);
    const problems: string[] = [];
    const lines: string[] = [];
    for (const edge of edges) {
      if ('error' in edge) {
        problems.push(`bagpipe-bgp on ${edge.pe.host} does not answer at ${edge.pe.api}: ${edge.error}`);
        lines.push(`! PE ${edge.pe.host}: not answering`);
        continue;
      }
      const toReflector = edge.peers.find((p) => p.id === rr.address);
      if (toReflector?.state !== 'Established') problems.push(`the BGP session of ${edge.pe.host} to the route reflector ${rr.address} is ${toReflector?.state ?? 'not configured'}`);
      lines.push(`PE ${edge.pe.host}: session to ${rr.address} ${toReflector?.state ?? 'absent'}, ${edge.vrfs.length} VRF(s)${edge.vrfs.length ? ` (${edge.vrfs.join(', ')})` : ''}`);
    }
    if (sessions instanceof Error) {
      problems.push(`the route reflector on ${rr.host} (${rr.api}) does not answer: ${sessions.message}`);
    } else {
      for (const pe of this.vpn.providerEdges) {
        const session = sessions.find((s) => this.target.hosts.find((h) => h.name === pe.host)?.management === s.neighbor);
        if (!session?.established) problems.push(`the route reflector has no established session with ${pe.host}`);
      }
      lines.push(`route reflector ${rr.host}: ${sessions.map((s) => `${s.neighbor} ${s.established ? 'established' : 'down'}`).join(', ')}`);
    }
    return { healthy: problems.length === 0, problems, text: [...lines, ...problems.map((p) => `! ${p}`)].join('\n') };
  }

  async healthWithin(withinMs: number): Promise<SdnHealth> {
    const deadline = Date.now() + withinMs;
    for (;;) {
      const health = await this.health();
      if (health.healthy || Date.now() >= deadline) return health;
      await sleep(500);
    }
  }

  encapsulationSwitch(): EncapsulationSwitch {
    const expected = this.target.encapsulation.current;
    const cannot = () =>
      new NetvetError(
        'bagpipe-bgp takes its encapsulation from its configuration when it starts (vxlan_encap), and a restart drops every attachment',
        "run the scenario against a target built with that encapsulation (the bgpvpn lab profile's bgpvpn.encapsulation); scenarios ask for encap:switchable, which this SDN does not offer",
      );
    return {
      switchTo: () => Promise.reject(cannot()),
      // The encapsulation each PE announces, read from its own configuration.
      disagreements: async () => {
        const configs = await Promise.all(this.vpn.providerEdges.map(async (pe) => ({ pe, config: await lookingGlass<PeConfig>(pe.api, 'config') })));
        return configs.filter((c) => encapsulationOf(c.config) !== expected).map((c) => `${c.pe.host} prefers ${encapsulationOf(c.config)}, not ${expected}`);
      },
      // Nothing is ever switched, so there is nothing to put back.
      restore: () => Promise.resolve(),
      restoreRecorded: () => Promise.reject(cannot()),
    };
  }

  rollingUpgrade(): Promise<UpgradeStep[]> {
    return Promise.reject(
      new NetvetError('bagpipe-bgp keeps its attachments in memory only: restarting it drops every VRF, so netvet has no rolling restart for it', 'give the target file an upgrade.command that re-attaches ports (as the networking-bagpipe agent does)'),
    );
  }

  faults(log: (line: string) => void): SdnFaults {
    return new DaemonFaults(this.hosts, log);
  }

  configWrites(): ConfigWrites {
    throw new NetvetError('a BGP VPN has no configuration database netvet can write to measure outages', 'scenarios measuring configuration writes ask for ha:nb-cluster, which this SDN does not offer');
  }

  /** Each PE as its own configuration says: BGP identity and tunnel endpoint. */
  async nodes(): Promise<SdnNode[]> {
    return Promise.all(
      this.vpn.providerEdges.map(async (pe) => {
        const config = await lookingGlass<PeConfig>(pe.api, 'config');
        return { host: pe.host, name: config.BGP.local_address, tunnels: [{ kind: encapsulationOf(config), address: config.DATAPLANE_DRIVER_IPVPN.dataplane_local_address }] };
      }),
    );
  }

  /**
   * A network is an IP VPN: its id is the route target's number, and the id on the wire for a port
   * is the label the port's PE allocated to the VRF and advertised for the port's /32 (VXLAN
   * carries the same number as VNI). The looking glass' port table and the PE's advertised route
   * must agree, or the segment is refused naming both.
   */
  async segment(deployment: Deployment, network: string, orchestrator: Orchestrator): Promise<NetworkSegment> {
    if (!deployment.topology.networks.some((n) => n.name === network)) {
      throw new NetvetError(`the deployment ${deployment.prefix} has no network '${network}'`, `use one of: ${deployment.topology.networks.map((n) => n.name).join(', ')}`);
    }
    const { instance, routeTarget } = (await bgpVpnNamesOf(orchestrator, deployment)).vpnOf(network);
    const labels = new Map<string, number>();
    for (const workload of Object.values(deployment.workloads)) {
      const ports = workload.ports.filter((p) => p.network === network);
      if (!ports.length) continue;
      const api = this.providerEdge(workload.host).api;
      const [attached, advertised] = await Promise.all([vrfPorts(api, instance), advertisedRoutes(api, instance)]);
      for (const port of ports) {
        const entry = attached.find((a) => a.port === port.id);
        if (!entry) throw new NetvetError(`port ${port.id} of ${workload.name} is not attached to VPN ${instance} on ${workload.host}`, `see ${api}/looking-glass/vpns/instances/${instance}/ports`);
        const route = advertised.find((r) => r.prefix === `${port.address}/32`);
        if (route?.label !== entry.label) {
          throw new NetvetError(
            `${workload.host} gives ${workload.name}'s port label ${entry.label} but advertises ${port.address}/32 with ${route ? `label ${route.label}` : 'no route'}`,
            `compare ${api}/looking-glass/vpns/instances/${instance}/ports and adv_routes`,
          );
        }
        labels.set(port.id, entry.label);
      }
    }
    return {
      network,
      id: Number(routeTarget.split(':')[1]),
      // An IP VPN routes: VXLAN frames go from the workload's MAC to the PE gateway's (bagpipe's 00:00:5e:00:43:64).
      routed: true,
      onWire(kind, port) {
        if (kind !== 'mplsogre' && kind !== 'vxlan') throw new NetvetError(`BaGPipe's IP VPNs are not carried in ${kind}`, 'ask for encap:mplsogre or encap:vxlan');
        const label = labels.get(port);
        if (label === undefined) throw new NetvetError(`port ${port} is not on network '${network}'`, `name a port of one of the workloads on '${network}'`);
        return label;
      },
    };
  }

  /** The source PE's VRF lookup for the destination: the route it uses (next hop, label, encapsulation), or that it has none. */
  async explain(deployment: Deployment, flow: ExplainedFlow, orchestrator: Orchestrator): Promise<Evidence> {
    const names = await bgpVpnNamesOf(orchestrator, deployment);
    const source = deployment.workloads[flow.from];
    if (!source) throw new NetvetError(`the deployment ${deployment.prefix} has no workload '${flow.from}'`, `use one of: ${Object.keys(deployment.workloads).join(', ')}`);
    const port = source.ports.find((p) => p.address === flow.sourceAddress) ?? source.ports[0];
    const { instance } = names.vpnOf(port.network);
    const pe = this.providerEdge(source.host);
    const [summary, routes] = await Promise.all([vrf(pe.api, instance), bestRoutes(pe.api, instance)]);
    const prefix = `${flow.destinationAddress}/32`;
    const route = routes.find((r) => r.prefix === prefix) ?? routes.find((r) => new Netmask(r.prefix).contains(flow.destinationAddress));
    const imports = summary.route_targets.import.map((rt) => rt.replace(/^target:/, '')).join(', ');
    const path = [`${flow.from} (${flow.sourceAddress}) is attached to VPN ${port.network} (${instance}) on ${source.host}, importing ${imports}`];
    const verdict = route
      ? `VPN ${port.network} on ${source.host} routes ${flow.destinationAddress} by ${route.prefix} to next hop ${route.nextHop}, label ${route.label} (${route.encaps.join(', ') || 'MPLS'}; route targets ${route.routeTargets.join(', ')})`
      : `no route for ${prefix} in VPN ${port.network} on ${source.host}: no PE advertises it with a route target the VRF imports (${imports})`;
    path.push(verdict);
    return { verdict, path, details: [{ name: `VRF ${instance} on ${source.host}: best routes`, body: routes.map(describeRoute).join('\n') || '(none)' }] };
  }

  /**
   * What the PEs and the route reflector hold now that differs from the deployment: a port no
   * longer attached, a label that is not the one the port's PE advertises, a route another PE of
   * the VPN or the reflector holds with another label (or not at all).
   */
  async drift(deployment: Deployment, orchestrator: Orchestrator): Promise<string[]> {
    const names = await bgpVpnNamesOf(orchestrator, deployment);
    const rr = this.vpn.routeReflector;
    const reflected = await reflectedRoutes(this.hosts.shell(rr.host), rr.api);
    const drift: string[] = [];
    const placed = Object.values(deployment.workloads).flatMap((w) => w.ports.map((p) => ({ workload: w, port: p })));
    for (const { workload, port } of placed) {
      const { instance } = names.vpnOf(port.network);
      const api = this.providerEdge(workload.host).api;
      const advertised = (await advertisedRoutes(api, instance).catch(() => [])).find((r) => r.prefix === `${port.address}/32`);
      if (!advertised) {
        drift.push(`${workload.name}'s port ${port.address} (VPN ${port.network}) is not advertised by ${workload.host}`);
        continue;
      }
      const atReflector = reflected.filter((r) => r.prefix === advertised.prefix && r.rd === advertised.rd);
      if (!atReflector.length) drift.push(`the route reflector holds no route for ${advertised.prefix} rd ${advertised.rd} (${workload.name}, VPN ${port.network})`);
      for (const r of atReflector.filter((r) => r.label !== advertised.label)) {
        drift.push(`the route reflector holds ${r.prefix} rd ${r.rd} with label ${r.label}, but ${workload.host} advertises label ${advertised.label} (${workload.name}, VPN ${port.network})`);
      }
      for (const peer of placed.filter((p) => p.port.network === port.network && p.workload.host !== workload.host)) {
        const used = (await bestRoutes(this.providerEdge(peer.workload.host).api, instance).catch(() => [])).filter((r) => r.prefix === advertised.prefix);
        if (!used.length) drift.push(`${peer.workload.host} has no route to ${workload.name} (${advertised.prefix}) in VPN ${port.network}`);
        for (const r of used.filter((r) => r.label !== advertised.label)) {
          drift.push(`${peer.workload.host} sends to ${workload.name} (${advertised.prefix}) with label ${r.label}, but ${workload.host} advertises label ${advertised.label}`);
        }
      }
    }
    return [...new Set(drift)];
  }

  /** Each PE of the deployment: its VRFs' routes, its OVS flows and groups, the looking glass' recent warnings and errors, its log's tail. */
  async diagnose(deployment: Deployment): Promise<Attachment[]> {
    const hosts = [...new Set(Object.values(deployment.workloads).map((w) => w.host))];
    const perHost = await Promise.all(
      hosts.map(async (host) => {
        const pe = this.providerEdge(host);
        const shell = this.hosts.shell(host);
        const ids = await vrfIds(pe.api).catch(() => []);
        const vrfs = await Promise.all(
          ids.map(async (id) => {
            const [adv, best] = await Promise.all([advertisedRoutes(pe.api, id).catch(() => []), bestRoutes(pe.api, id).catch(() => [])]);
            return `VRF ${id}\n  advertised:\n${adv.map((r) => `    ${describeRoute(r)}`).join('\n')}\n  best routes:\n${best.map((r) => `    ${describeRoute(r)}`).join('\n')}`;
          }),
        );
        const flows = await shell.exec(['sh', '-c', 'ovs-ofctl -O OpenFlow15 dump-flows "$1"; ovs-ofctl -O OpenFlow15 dump-groups "$1"', 'sh', pe.bridge]);
        const logs = await lookingGlass<unknown>(pe.api, 'logs').catch((error: unknown) => String(error));
        // The lab's hosts keep it in their run directory (OVS_LOGDIR); a packaged one logs under /var/log/bagpipe-bgp.
        const log = await shell.exec(['sh', '-c', 'tail -n 100 "${OVS_LOGDIR:-/var/log/bagpipe-bgp}/bagpipe-bgp.log"']);
        return [
          { name: `VRFs on ${host}`, body: vrfs.join('\n') || '(no VRF)' },
          { name: `OVS flows of ${pe.bridge} on ${host}`, body: flows.stdout || flows.stderr },
          { name: `bagpipe-bgp warnings and errors on ${host}`, body: JSON.stringify(logs, null, 2) },
          { name: `bagpipe-bgp log on ${host}`, body: log.stdout || log.stderr },
        ];
      }),
    );
    return perHost.flat();
  }
}

function describeRoute(r: VpnRoute): string {
  return `${r.prefix} label ${r.label} next-hop ${r.nextHop} rd ${r.rd} rt ${r.routeTargets.join(',')} encap ${r.encaps.join(',') || '-'}`;
}
