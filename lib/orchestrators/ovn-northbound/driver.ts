import { join } from 'node:path';
import { ip2long, long2ip, Netmask } from 'netmask';
import { authorizedKeyOf } from '../../access/ssh-key';
import { namespaceShell } from '../../access';
import type { Target } from '../../target/schema';
import type { TargetHosts } from '../../target/hosts';
import type { Router, Topology, Workload } from '../../topology';
import { z } from 'zod';
import { NetvetError } from '../../util/errors';
import { withLock } from '../../util/lock';
import { RunJournal } from '../journal';
import type { OvnNames } from '../../sdn/ovn/explain';
import { OvnSdn } from '../../sdn/ovn/sdn';
import { afterOperation, type Operation } from '../operations';
import type { Bindings, DeployedFloatingIp, DeployedRouter, DeployedWorkload, Deployment, Facets, Orchestrator } from '../types';
import { reserveFloatingIp, sweepFloatingIpReservations, takenExternalAddresses } from './floating-ip-pool';
import { ovnNames } from './explain';
import { Names } from './names';
import { createMirrors, sweepMirrors } from './mirrors';
import { Northbound } from './northbound';
import { policyCommands, setPolicyRuleAction } from './policies';
import { assertAssociable, createPortForwardings, sweepLoadBalancers } from './port-forwarding';
import { addSecurityGroupRule, removeSecurityGroupRule } from './security-group-rules';
import { membershipCommands, securityGroupCommands } from './security-groups';
import { checkServiceChain, serviceChainCommands } from './service-chains';
import { reattach } from './reattach';
import { placeWorkloads } from '../shared/placement';
import { plugWorkload, sweepWorkloads, unplugWorkload, workloadUndo } from '../shared/workload';
import { stateRoot } from '../../util/state';

/** Undo records of this driver, as written to the run journal and checked when read back. */
const undoRecord = z.union([z.object({ nb: z.array(z.string()) }).strict(), z.object({ dhcpOf: z.string() }).strict(), workloadUndo]);
type Undo = z.infer<typeof undoRecord>;

const tag = (prefix: string) => `external_ids:netvet=${prefix}`;

/**
 * The orchestrator of an OVN deployment without a cloud layer: programs the OVN northbound DB (as a
 * CMS would) and places workloads in namespaces on the chassis over SSH (as Nova and os-vif would).
 * It needs only the target file: OVN endpoints, hosts and the external network.
 */
export class OvnNorthboundOrchestrator implements Orchestrator {
  readonly name = 'ovn-northbound';
  private readonly nb: Northbound;
  readonly facets: Facets = {
    floatingIps: {
      associate: (deployment, floatingIp, workload, port = 0) => this.associateFloatingIp(deployment, floatingIp, workload, port),
      disassociate: (deployment, floatingIp) => this.disassociateFloatingIp(deployment, floatingIp),
    },
    securityGroups: {
      addRule: (deployment, group, rule) => this.change(deployment, { op: 'add-security-group-rule', group, rule }, () => addSecurityGroupRule(this.nb, deployment, group, rule)),
      removeRule: (deployment, group, rule) => this.change(deployment, { op: 'remove-security-group-rule', group, rule }, () => removeSecurityGroupRule(this.nb, deployment, group, rule)),
    },
    policies: {
      setRuleAction: (deployment, policy, rule, action) => this.change(deployment, { op: 'set-policy-rule-action', policy, rule, action }, () => setPolicyRuleAction(this.nb, deployment, policy, rule, action)),
    },
    serviceChains: { check: (deployment, chain) => checkServiceChain(this.nb, this.hosts, deployment, chain) },
  };
  readonly bindings: Bindings = { ovn: (deployment): Promise<OvnNames> => Promise.resolve(ovnNames(deployment)) };

  constructor(
    private readonly target: Target,
    private readonly hosts: TargetHosts,
  ) {
    if (!target.ovn) {
      throw new NetvetError(`target '${target.name}' has no ovn section`, 'the ovn-northbound orchestrator programs OVN: add ovn.northbound and ovn.southbound to the target file');
    }
    this.nb = new Northbound(target.ovn.northbound);
  }

  async reachable(): Promise<void> {
    await this.nb.run([['get', 'NB_Global', '.', 'nb_cfg']], { timeoutS: 5 });
  }

  async apply(topology: Topology, journal: RunJournal): Promise<Deployment> {
    const { prefix } = journal;
    const names = new Names(prefix);
    const routers: Record<string, DeployedRouter> = {};
    const workloads: Record<string, DeployedWorkload> = {};
    const floatingIps: Record<string, DeployedFloatingIp> = {};
    await this.createSwitches(names, topology, journal);
    for (const router of topology.routers) routers[router.name] = await this.createRouter(names, router, journal);
    for (const group of [names.dropGroup(), ...topology.securityGroups.map((g) => names.portGroup(g.name))]) {
      journal.record(`port group ${group}`, { nb: ['--if-exists', 'destroy', 'port_group', group] } satisfies Undo);
    }
    await this.nb.run(securityGroupCommands(names, topology));
    // Policy ACLs and chain policies belong to switches and routers, whose journal entries remove them.
    await this.nb.run(policyCommands(names, topology));
    await this.nb.run(serviceChainCommands(names, topology));
    await this.createLogicalPorts(names, topology);
    const placement = placeWorkloads(topology, this.target.hosts, this.target.name);
    await createMirrors(this.nb, names, topology, this.hosts, placement, journal);
    await Promise.all(topology.workloads.map(async (w) => (workloads[w.name] = await this.plug(names, w, placement.get(w.name)!, journal))));
    await this.waitForPorts(names, topology);
    for (const fip of topology.floatingIps) {
      const address = await this.allocateExternal('floating IP', 'floatingIpRange', fip.address, async (free) => {
        await reserveFloatingIp(this.nb, names, fip.name, free, journal);
        if (fip.workload !== null) await this.natFloatingIp(prefix, topology, free, fip.workload, fip.port ?? 0);
        if (fip.portForwardings.length) await createPortForwardings(this.nb, names, topology, fip, free, journal);
      });
      floatingIps[fip.name] = { name: fip.name, address, workload: fip.workload, port: fip.workload === null ? null : (fip.port ?? 0) };
    }
    await this.nb.run([['sync']], { wait: 'hv' });
    return { topology, prefix, workloads, routers, floatingIps };
  }

  private async createSwitches(names: Names, topology: Topology, journal: RunJournal): Promise<void> {
    const commands: string[][] = [];
    for (const network of topology.networks) {
      const ls = names.switch(network.name);
      journal.record(`logical switch ${ls}`, { nb: ['--if-exists', 'ls-del', ls] } satisfies Undo);
      commands.push(['ls-add', ls], ['set', 'logical_switch', ls, tag(names.prefix), `external_ids:netvet-tenant=${network.tenant}`]);
    }
    journal.record(`DHCP options of ${names.prefix}`, { dhcpOf: names.prefix } satisfies Undo);
    await this.nb.run(commands);
  }

  private async createRouter(names: Names, router: Router, journal: RunJournal): Promise<DeployedRouter> {
    const lr = names.router(router.name);
    journal.record(`logical router ${lr}`, { nb: ['--if-exists', 'lr-del', lr] } satisfies Undo);
    const commands: string[][] = [['lr-add', lr], ['set', 'logical_router', lr, tag(names.prefix)]];
    for (const iface of router.interfaces) {
      const lrp = names.routerPort(router.name, iface.network);
      const peer = names.routerPeer(router.name, iface.network);
      commands.push(
        ['lrp-add', lr, lrp, iface.mac, `${iface.address}/${iface.prefixLength}`],
        ['lsp-add', names.switch(iface.network), peer],
        ['lsp-set-type', peer, 'router'],
        ['lsp-set-addresses', peer, 'router'],
        ['lsp-set-options', peer, `router-port=${lrp}`],
      );
    }
    for (const route of router.routes) commands.push(['lr-route-add', lr, route.destination, route.nexthop]);
    await this.nb.run(commands);
    const gateway = router.externalGateway;
    if (!gateway) return { name: router.name, externalAddress: null };
    const externalAddress = await this.allocateExternal('router gateway', 'routerGatewayRange', gateway.address, (address) => this.connectExternal(names, router, address, gateway.snat, journal));
    return { name: router.name, externalAddress };
  }

  /** The router's uplink: an external switch bridged to the provider network, a gateway port hosted on the gateway chassis. */
  private async connectExternal(names: Names, router: Router, address: string, snat: boolean, journal: RunJournal): Promise<void> {
    const external = this.external();
    const ls = names.externalSwitch(router.name);
    const lr = names.router(router.name);
    const lrp = names.gatewayPort(router.name);
    journal.record(`external switch ${ls}`, { nb: ['--if-exists', 'ls-del', ls] } satisfies Undo);
    const gateways = await this.gatewayChassis(router);
    const prefixLength = new Netmask(external.cidr).bitmask;
    await this.nb.run([
      ['ls-add', ls],
      ['set', 'logical_switch', ls, tag(names.prefix)],
      ['lsp-add', ls, `${ls}-ln`],
      ['lsp-set-type', `${ls}-ln`, 'localnet'],
      ['lsp-set-addresses', `${ls}-ln`, 'unknown'],
      ['lsp-set-options', `${ls}-ln`, `network_name=${external.physicalNetwork}`],
      ['lrp-add', lr, lrp, macFor(address), `${address}/${prefixLength}`],
      ...gateways.map((chassis, i) => ['lrp-set-gateway-chassis', lrp, chassis, String(20 - i)]),
      ['lsp-add', ls, `${lrp}-rp`],
      ['lsp-set-type', `${lrp}-rp`, 'router'],
      ['lsp-set-addresses', `${lrp}-rp`, 'router'],
      // nat-addresses=router (as Neutron sets it): the chassis that takes the gateway port announces
      // the router and NAT addresses (GARP), so the external network follows a gateway failover.
      ['lsp-set-options', `${lrp}-rp`, `router-port=${lrp}`, 'nat-addresses=router'],
      ['lr-route-add', lr, '0.0.0.0/0', external.gateway],
      ...(snat ? router.interfaces.map((i) => ['lr-nat-add', lr, 'snat', address, i.cidr]) : []),
    ]);
  }

  /**
   * The OVN chassis names of the gateway hosts, in the target file's order (its first is the
   * preferred one), as the southbound DB registers them (matched by tunnel address): a gateway
   * port bound to a chassis name that does not exist stays unbound, and SNAT and floating IPs die.
   */
  private async gatewayChassis(router: Router): Promise<string[]> {
    const gateways = this.hosts.withRole('gateway');
    if (!gateways.length) throw new NetvetError(`target '${this.target.name}' has no gateway host`, `remove externalGateway from router ${router.name}, or add a host with role gateway`);
    const nodes = await new OvnSdn(this.target, this.hosts).nodes();
    return gateways.map((g) => {
      const node = nodes.find((n) => n.host === g.name);
      if (!node) {
        throw new NetvetError(
          `gateway host ${g.name} of target '${this.target.name}' is no chassis of the southbound DB (none announces its tunnel address ${g.data?.address ?? '(hosts[].data.address is not set)'})`,
          `set hosts[].data.address of ${g.name} to its ovn-encap-ip (ovs-vsctl get open . external_ids:ovn-encap-ip on ${g.name}) and check that its ovn-controller is connected (ovn-sbctl show)`,
        );
      }
      return node.name;
    });
  }

  private async createLogicalPorts(names: Names, topology: Topology): Promise<void> {
    const commands: string[][] = [];
    const dhcp = topology.networks.flatMap((n) => n.subnets).filter((s) => s.dhcp && s.gateway);
    const dhcpIds = new Map<string, string>();
    if (dhcp.length) {
      const created = await this.nb.run(
        dhcp.map((s) => [
          'create', 'DHCP_Options', `cidr=${s.cidr}`, tag(names.prefix),
          `options:server_id=${s.gateway}`, `options:server_mac=${macFor(s.gateway!)}`, 'options:lease_time=3600',
          `options:router=${s.gateway}`, `options:mtu=${this.target.workloads.mtu}`,
          ...(s.hostRoutes.length
            ? [`options:classless_static_route="{${[...s.hostRoutes.map((r) => `${r.destination},${r.nexthop}`), `0.0.0.0/0,${s.gateway}`].join(', ')}}"`]
            : []),
          ...(s.dnsServers.length ? [`options:dns_server="{${s.dnsServers.join(', ')}}"`] : []),
        ]),
      );
      dhcp.forEach((s, i) => dhcpIds.set(s.name, created[i]));
    }
    for (const workload of topology.workloads) {
      for (const port of workload.ports) {
        const lsp = names.workloadPort(workload.name, port.index);
        commands.push(
          ['lsp-add', names.switch(port.network), lsp],
          ['lsp-set-addresses', lsp, `${port.mac} ${port.address}`],
          ['set', 'logical_switch_port', lsp, tag(names.prefix)],
        );
        if (port.portSecurity) commands.push(['lsp-set-port-security', lsp, [port.mac, port.address, ...port.allowedAddressPairs].join(' ')]);
        const options = dhcpIds.get(port.subnet);
        if (options) commands.push(['lsp-set-dhcpv4-options', lsp, options]);
      }
    }
    await this.nb.run([...commands, ...membershipCommands(names, topology)]);
  }

  private async plug(names: Names, workload: Workload, hostName: string, journal: RunJournal): Promise<DeployedWorkload> {
    const host = this.hosts.get(hostName);
    const shell = this.hosts.shell(hostName);
    const netns = `${this.target.workloads.namespacePrefix}${names.prefix}${workload.name}`;
    const ports = workload.ports.map((p) => {
      const lsp = names.workloadPort(workload.name, p.index);
      return { tap: names.tap(lsp), iface: p.interface, mac: p.mac, address: p.address, prefixLength: p.prefixLength, logicalPort: lsp, network: p.network, dhcp: p.dhcp };
    });
    const dir = `/run/netvet/workloads/${netns}`;
    const integrationBridge = host.integrationBridge ?? 'br-int';
    journal.record(`workload ${workload.name} on ${hostName}`, { workload: { host: hostName, netns, taps: ports.map((p) => p.tap), dir } } satisfies Undo);
    const hostKey = await plugWorkload(shell, {
      netns,
      hostname: workload.name,
      mtu: this.target.workloads.mtu,
      forwarding: workload.forwarding,
      ports,
      defaultGateway: workload.ports[0]?.gateway ?? null,
      routes: workload.routes,
      runPrefix: names.prefix,
      dir,
      integrationBridge,
      authorizedKey: await authorizedKeyOf(this.target.access.ssh.privateKey),
    });
    return {
      name: workload.name,
      host: hostName,
      ports: ports.map((p) => ({ network: p.network, address: p.address, mac: p.mac, interface: p.iface, id: p.logicalPort })),
      shell: namespaceShell(shell, netns),
      hostKey,
    };
  }

  /** Converged means every workload port is bound and up, and every chassis has the flows. */
  private async waitForPorts(names: Names, topology: Topology): Promise<void> {
    const ports = topology.workloads.flatMap((w) => w.ports.map((p) => names.workloadPort(w.name, p.index)));
    await this.nb.run(ports.map((lsp) => ['wait-until', 'logical_switch_port', lsp, 'up=true']), { timeoutS: 60 });
  }

  private external(): NonNullable<Target['externalNetwork']> {
    if (!this.target.externalNetwork) {
      throw new NetvetError(`target '${this.target.name}' has no external network`, 'add externalNetwork to the target file, or drop external gateways and floating IPs from the topology');
    }
    return this.target.externalNetwork;
  }

  /**
   * Picks a free external address (or checks a fixed one) and uses it, holding a lock so parallel
   * workers never pick the same address; "free" means no router port or NAT rule has it.
   */
  private async allocateExternal(what: string, range: 'floatingIpRange' | 'routerGatewayRange', fixed: string | null, use: (address: string) => Promise<void>): Promise<string> {
    const { start, end } = this.external()[range];
    const lock = join(stateRoot(), 'locks', `${this.target.name}-external.lock`);
    return withLock(lock, 'external address allocation', async () => {
      const used = new Set<string>();
      for (const row of await this.nb.list('Logical_Router_Port', ['networks'])) row.networks.split(' ').forEach((n) => used.add(n.split('/')[0]));
      for (const row of await this.nb.list('NAT', ['external_ip'])) used.add(row.external_ip);
      for (const taken of await takenExternalAddresses(this.nb)) used.add(taken);
      let address = fixed;
      if (address && used.has(address)) throw new NetvetError(`${what} ${address} is already in use on target '${this.target.name}'`, 'drop the fixed address or pick a free one');
      for (let long = ip2long(start); !address && long <= ip2long(end); long++) if (!used.has(long2ip(long))) address = long2ip(long);
      if (!address) throw new NetvetError(`no free ${what} address left in ${start}-${end}`, "run 'netvet cleanup' to remove what earlier runs left");
      await use(address);
      return address;
    }, { wait: true });
  }

  private routerFor(topology: Topology, workload: string, port: number): Router {
    const network = topology.workloads.find((w) => w.name === workload)?.ports[port]?.network;
    const router = topology.routers.find((r) => r.externalGateway && r.interfaces.some((i) => i.network === network));
    if (!router) throw new NetvetError(`no router with an external gateway serves the network of ${workload}`, 'add a router with externalGateway on that network');
    return router;
  }

  private async natFloatingIp(prefix: string, topology: Topology, address: string, workload: string, port: number): Promise<void> {
    const router = this.routerFor(topology, workload, port);
    const inside = topology.workloads.find((w) => w.name === workload)!.ports[port].address;
    await this.nb.run([['lr-nat-add', new Names(prefix).router(router.name), 'dnat_and_snat', address, inside]]);
  }

  /** A run-time change: journaled, made, and the deployment as it is after it returned. */
  private async change(deployment: Deployment, operation: Operation, make: () => Promise<void>): Promise<Deployment> {
    const after = afterOperation(deployment, operation);
    new RunJournal(deployment.prefix).recordOperation(operation);
    await make();
    return after;
  }

  private async associateFloatingIp(deployment: Deployment, floatingIp: string, workload: string, port: number): Promise<Deployment> {
    assertAssociable(deployment.topology, floatingIp);
    const unbound = await this.disassociateFloatingIp(deployment, floatingIp);
    const fip = unbound.floatingIps[floatingIp];
    return this.change(unbound, { op: 'associate-floating-ip', floatingIp, workload, port }, async () => {
      await this.natFloatingIp(deployment.prefix, deployment.topology, fip.address, workload, port);
      await this.nb.run([['sync']], { wait: 'hv' });
    });
  }

  private async disassociateFloatingIp(deployment: Deployment, floatingIp: string): Promise<Deployment> {
    const fip = deployment.floatingIps[floatingIp];
    if (!fip || fip.workload === null) return afterOperation(deployment, { op: 'disassociate-floating-ip', floatingIp });
    const router = this.routerFor(deployment.topology, fip.workload, fip.port ?? 0);
    return this.change(deployment, { op: 'disassociate-floating-ip', floatingIp }, () =>
      this.nb.run([['lr-nat-del', new Names(deployment.prefix).router(router.name), 'dnat_and_snat', fip.address]], { wait: 'hv' }).then(() => undefined),
    );
  }

  /** Undoes newest first; one failure does not stop the rest (each leak would hide the next). */
  async undo(journal: RunJournal): Promise<void> {
    const failures: string[] = [];
    for (const entry of journal.undoEntries(undoRecord)) {
      const undo: Undo = entry.undo;
      try {
        if ('nb' in undo) await this.nb.run([undo.nb]);
        else if ('dhcpOf' in undo) await this.deleteDhcpOptions((prefix) => prefix === undo.dhcpOf);
        else await unplugWorkload(this.hosts.shell(undo.workload.host), { ...undo.workload, integrationBridge: this.hosts.get(undo.workload.host).integrationBridge ?? 'br-int' });
      } catch (error) {
        failures.push(`${entry.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length) throw new NetvetError(`could not remove: ${failures.join('; ')}`, `run 'netvet cleanup' once the target is reachable`);
  }

  private async deleteDhcpOptions(matches: (prefix: string) => boolean): Promise<string[]> {
    const rows = (await this.nb.list('DHCP_Options', ['_uuid', 'external_ids'])).filter((r) => matches(/netvet=(\S+)/.exec(r.external_ids)?.[1] ?? ''));
    await this.nb.run(rows.map((r) => ['destroy', 'DHCP_Options', r._uuid]));
    return rows.map((r) => `DHCP options ${r._uuid}`);
  }

  async sweep(prefix: string): Promise<string[]> {
    const removed: string[] = [];
    const ours = (value: string) => (/netvet=(\S+)/.exec(value)?.[1] ?? '').startsWith(prefix);
    for (const host of this.target.hosts.filter((h) => h.integrationBridge)) {
      const swept = await sweepWorkloads(this.hosts.shell(host.name), `${this.target.workloads.namespacePrefix}${prefix}`, prefix, host.integrationBridge!);
      removed.push(...swept.map((what) => `${what} on ${host.name}`));
    }
    removed.push(...(await sweepLoadBalancers(this.nb, ours)), ...(await sweepFloatingIpReservations(this.nb, ours)));
    // `destroy` by name: ovn-nbctl's pg-del takes no --if-exists (OVN 23.03), and another sweep may have won the race.
    for (const table of ['Port_Group', 'Logical_Router', 'Logical_Switch'] as const) {
      const rows = (await this.nb.list(table, ['name', 'external_ids'])).filter((r) => ours(r.external_ids));
      await this.nb.run(rows.map((r) => ['--if-exists', 'destroy', table, r.name]));
      removed.push(...rows.map((r) => `${table} ${r.name}`));
    }
    removed.push(...(await this.deleteDhcpOptions((p) => p.startsWith(prefix))));
    removed.push(...(await sweepMirrors(this.nb, prefix)));
    return removed;
  }

  reattach(journal: RunJournal): Promise<Deployment> {
    return reattach(this.nb, this.hosts, journal);
  }

  /** Nothing beyond the SDN's own view (lib/sdn/ovn): this driver keeps no state of its own. */
  diagnose(): Promise<Array<{ name: string; body: string }>> {
    return Promise.resolve([]);
  }
}

/** A stable locally administered MAC for a router or DHCP server address. */
function macFor(address: string): string {
  const long = ip2long(address);
  return ['0a', '58', ...[24, 16, 8, 0].map((shift) => ((long >>> shift) & 0xff).toString(16).padStart(2, '0'))].join(':');
}
