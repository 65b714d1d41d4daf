import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { namespaceShell } from '../../access';
import { authorizedKeyOf } from '../../access/ssh-key';
import type { OvnNames } from '../../sdn/ovn/explain';
import { listNorthbound } from '../../sdn/ovn/northbound-rows';
import type { TargetHosts } from '../../target/hosts';
import type { Target } from '../../target/schema';
import type { Topology, Workload } from '../../topology';
import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import { RunJournal } from '../journal';
import { orchestratorKind } from '../registry';
import { placeWorkloads } from '../shared/placement';
import { sweepWorkloads } from '../shared/workload';
import type { Bindings, DeployedRouter, DeployedWorkload, Deployment, Facets, Orchestrator } from '../types';
import { vcenterLogin } from './credentials';
import './facet';
import { metadataOptions, type GuestMetadata } from './guest-metadata';
import { namedWithPrefix, VcenterInventory } from './inventory';
import { portgroupSpec, relocateSpec, vmConfigSpec } from './specs';
import { Vim25Client } from './vim25/client';
import { awaitTask, retrieveOne } from './vim25/properties';
import { asMoref, text, type Moref } from './vim25/xml';

/** Undo records of this driver: a VM or a port group by name, or what the SDN built beside vCenter (its own run journal, by prefix). */
const undoRecord = z.union([z.object({ vm: z.string() }).strict(), z.object({ portgroup: z.string() }).strict(), z.object({ sdn: z.string() }).strict()]);
type Undo = z.infer<typeof undoRecord>;

/** Access VLANs of a deployment's port groups start here, one per network (the SDN isolates them; the VLAN only tags the host-local leg). */
const FIRST_VLAN = 100;
/** How long the SDN beside vCenter may take to follow a change (wire a powered-on VM, move a migrated one). */
const SDN_FOLLOWS_MS = 30_000;

/**
 * vCenter as the orchestrator, with the SDN beside it (as NSX or Tungsten Fabric integrate):
 * networks are distributed port groups, workloads VMs with a NIC per port on the ESXi hosts
 * the topology's placement picks; the SDN's vCenter plugin turns them into logical switches and
 * ports. Each VM's addresses travel as guest metadata (cloud-init's VMware datasource format).
 * Routers (and their gateways, SNAT) are the SDN's: built through its own driver (ovn-northbound,
 * opened through the registry) first, on logical switches the port groups are then named after,
 * which the plugin adopts.
 */
export class VmwareOrchestrator implements Orchestrator {
  readonly name = 'vmware';
  readonly facets: Facets = {
    virtualMachines: {
      powerOff: (deployment, workload) => this.powerOff(deployment, workload),
      powerOn: (deployment, workload) => this.powerOn(deployment, workload),
      migrate: (deployment, workload, host) => this.migrate(deployment, workload, host),
    },
  };
  readonly bindings: Bindings = { ovn: (deployment) => this.ovnNames(deployment) };
  private readonly client: Vim25Client;
  private inventoryOnce?: Promise<VcenterInventory>;
  private sdnOnce?: Promise<Orchestrator>;

  constructor(
    private readonly target: Target,
    private readonly hosts: TargetHosts,
  ) {
    if (!target.vmware) throw new NetvetError(`target '${target.name}' has no vmware section`, 'add vmware: { url, credentials, datacenter, cluster, distributedSwitch, datastore } to the target file');
    this.client = new Vim25Client(vcenterLogin(target.vmware, undefined));
  }

  private get northbound(): string {
    if (!this.target.ovn) throw new NetvetError(`target '${this.target.name}' has no ovn section`, 'the SDN beside vCenter is OVN here: add ovn.northbound to the target file');
    return this.target.ovn.northbound;
  }

  /** Logs in once and resolves the inventory the target names. */
  private inventory(): Promise<VcenterInventory> {
    this.inventoryOnce ??= this.client.connect().then(() => VcenterInventory.open(this.client, this.target.vmware!));
    this.inventoryOnce.catch(() => (this.inventoryOnce = undefined));
    return this.inventoryOnce;
  }

  /** The driver of the SDN beside vCenter, which builds routers. */
  private sdn(): Promise<Orchestrator> {
    this.sdnOnce ??= orchestratorKind('ovn-northbound').open(this.target, this.hosts);
    return this.sdnOnce;
  }

  /** What vCenter says it is (`VMware vCenter Server 7.0.0 build-…`, API 7.0). */
  async versions(): Promise<Record<string, string>> {
    const { about } = await this.client.serviceContent();
    return { vcenter: `${about.fullName} (API ${about.apiVersion})` };
  }

  async reachable(): Promise<void> {
    await Promise.all([this.inventory(), this.sdn().then((sdn) => sdn.reachable())]);
  }

  /** What the SDN builds of a topology: its networks and routers, under `sdnPrefix(prefix)`, in a run journal of its own. */
  private async buildSdnSide(topology: Topology, journal: RunJournal): Promise<Record<string, DeployedRouter>> {
    const header = journal.header();
    const prefix = sdnPrefix(journal.prefix);
    const plan: Topology = { ...topology, workloads: [], floatingIps: [], placement: [] };
    journal.record(`the SDN's networks and routers (${prefix})`, { sdn: prefix } satisfies Undo);
    const sdnJournal = RunJournal.create(prefix, { targetFile: header?.targetFile ?? '', orchestrator: 'ovn-northbound', topologyFile: header?.topologyFile ?? '', plan });
    return (await (await this.sdn()).apply(plan, sdnJournal)).routers;
  }

  async apply(topology: Topology, journal: RunJournal): Promise<Deployment> {
    refuseWhatVcenterDoesNotBuild(topology);
    const inventory = await this.inventory();
    const { prefix } = journal;
    const placement = placeWorkloads(topology, this.target.hosts, this.target.name);
    const routers = await this.buildSdnSide(topology, journal);
    for (const [i, network] of topology.networks.entries()) {
      const name = `${sdnPrefix(prefix)}${network.name}`;
      journal.record(`port group ${name}`, { portgroup: name } satisfies Undo);
      await awaitTask(this.client, await this.client.call('AddDVPortgroup_Task', inventory.distributedSwitch, { spec: [portgroupSpec(name, FIRST_VLAN + i)] }), `creating port group ${name}`);
    }
    const keys = await this.portgroupKeys(prefix);
    // The plugin has taken each port group on as the SDN's switch of its name (and marked it so).
    await this.untilSdn(`logical switches for the port groups of ${prefix}`, async () => {
      const mapped = new Set((await listNorthbound(this.northbound, 'Logical_Switch', ['name', 'external_ids'])).filter((r) => r.external_ids.includes('vcenter-portgroup')).map((r) => r.name));
      return topology.networks.every((n) => mapped.has(`${sdnPrefix(prefix)}${n.name}`));
    });
    const authorizedKey = await authorizedKeyOf(this.target.access.ssh.privateKey);
    const workloads: Record<string, DeployedWorkload> = {};
    await Promise.all(
      topology.workloads.map(async (w) => {
        const host = placement.get(w.name)!;
        const name = `${prefix}${w.name}`;
        const spec = vmConfigSpec({
          name,
          datastore: inventory.datastore,
          nics: w.ports.map((p) => ({ mac: p.mac, switchUuid: inventory.switchUuid, portgroupKey: keys.get(`${sdnPrefix(prefix)}${p.network}`)! })),
          extraConfig: metadataOptions(this.metadata(w, authorizedKey)),
        });
        journal.record(`VM ${name} on ${host}`, { vm: name } satisfies Undo);
        const created = await this.client.call('CreateVM_Task', inventory.vmFolder, { config: spec, pool: inventory.pool, host: inventory.host(host) });
        const vm = asMoref(await awaitTask(this.client, created, `creating VM ${name} on ${host}`));
        if (!vm) throw new NetvetError(`CreateVM_Task for ${name} returned no VM`, 'the vCenter answers vim25 in a way netvet does not know');
        await awaitTask(this.client, await this.client.call('PowerOnVM_Task', vm), `powering on VM ${name}`);
        workloads[w.name] = await this.wired(prefix, w, host);
      }),
    );
    await run(['ovn-nbctl', `--db=${this.northbound}`, '--timeout=30', '--wait=hv', 'sync'], { timeoutMs: 35_000 });
    return { topology, prefix, workloads, routers, floatingIps: {} };
  }

  /** What the guest is told: hostname, each NIC's address (static) or DHCP, the default route on the first, the keys that log in. */
  private metadata(w: Workload, authorizedKey: string): GuestMetadata {
    const ethernets = Object.fromEntries(
      w.ports.map((p) => [
        p.interface,
        {
          match: { macaddress: p.mac },
          'set-name': p.interface,
          addresses: [`${p.address}/${p.prefixLength}`],
          mtu: this.target.workloads.mtu,
          dhcp4: p.dhcp,
          ...(p.index === 0 && p.gateway ? { gateway4: p.gateway } : {}),
          routes: p.index === 0 ? w.routes.map((r) => ({ to: r.destination, via: r.nexthop })) : [],
        },
      ]),
    );
    return { 'local-hostname': w.name, network: { version: 2, ethernets }, 'public-keys': [authorizedKey], forwarding: w.forwarding };
  }

  private async portgroupKeys(prefix: string): Promise<Map<string, string>> {
    const groups = await namedWithPrefix(this.client, 'DistributedVirtualPortgroup', prefix);
    return new Map(await Promise.all(groups.map(async (g) => [g.name, text((await retrieveOne(this.client, g.ref, ['key'])).get('key')) ?? ''] as const)));
  }

  /** Polls until `done`; fails naming what the SDN beside vCenter did not do. */
  private async untilSdn(what: string, done: () => Promise<boolean>): Promise<void> {
    if (!(await this.sdnFollowed(done))) {
      throw new NetvetError(`the SDN beside vCenter did not follow within ${SDN_FOLLOWS_MS / 1000} s: no ${what}`, "check the SDN's vCenter plugin (on the lab: vc1/vcenter-plugin.out in the lab's folder)");
    }
  }

  /** Polls until `done` for as long as the SDN may take; false when it did not follow. */
  private async sdnFollowed(done: () => Promise<boolean>): Promise<boolean> {
    const deadline = Date.now() + SDN_FOLLOWS_MS;
    while (!(await done())) {
      if (Date.now() > deadline) return false;
      await sleep(100);
    }
    return true;
  }

  private netns(prefix: string, workload: string): string {
    return `${this.target.workloads.namespacePrefix}${prefix}${workload}`;
  }

  /**
   * A powered-on VM once the SDN has wired it on `host`: its namespace there answers with a host
   * key, and every NIC's logical port is up. Returns it as a deployed workload.
   */
  private async wired(prefix: string, w: Workload, host: string): Promise<DeployedWorkload> {
    const netns = this.netns(prefix, w.name);
    const shell = this.hosts.shell(host);
    const ports = w.ports.map((p) => `${prefix}${w.name}-${p.index}`);
    let hostKey = '';
    await this.untilSdn(`workload namespace of VM ${prefix}${w.name} on ${host} with its ports up`, async () => {
      const key = await shell.exec(['cat', `/run/netvet/workloads/${netns}/host_key.pub`]);
      if (key.code !== 0) return false;
      const up = await listNorthbound(this.northbound, 'Logical_Switch_Port', ['name', 'up']);
      if (!ports.every((p) => up.some((r) => r.name === p && r.up === 'true'))) return false;
      hostKey = key.stdout.trim().split(/\s+/).slice(0, 2).join(' ');
      return true;
    });
    return {
      name: w.name,
      host,
      ports: w.ports.map((p, i) => ({ network: p.network, address: p.address, mac: p.mac, interface: p.interface, id: ports[i] })),
      shell: namespaceShell(shell, netns),
      hostKey,
    };
  }

  private async vmRef(deployment: Deployment, workload: string): Promise<Moref> {
    const name = `${deployment.prefix}${workload}`;
    const found = (await namedWithPrefix(this.client, 'VirtualMachine', name)).find((v) => v.name === name);
    if (!found) throw new NetvetError(`vCenter has no VM ${name}`, 'it was removed behind netvet\'s back: run netvet cleanup, then again');
    return found.ref;
  }

  private planned(deployment: Deployment, workload: string): Workload {
    const w = deployment.topology.workloads.find((x) => x.name === workload);
    if (!w) throw new NetvetError(`deployment ${deployment.prefix} has no workload ${workload}`, `use one of: ${deployment.topology.workloads.map((x) => x.name).join(', ')}`);
    return w;
  }

  private async powerOff(deployment: Deployment, workload: string): Promise<Deployment> {
    const w = this.planned(deployment, workload);
    await awaitTask(this.client, await this.client.call('PowerOffVM_Task', await this.vmRef(deployment, workload)), `powering off VM ${deployment.prefix}${workload}`);
    const host = deployment.workloads[workload].host;
    await this.untilUnwired(deployment.prefix, w.name, host);
    return deployment;
  }

  private async untilUnwired(prefix: string, workload: string, host: string): Promise<void> {
    const netns = this.netns(prefix, workload);
    await this.untilSdn(`removal of the workload namespace of VM ${prefix}${workload} from ${host}`, async () => !(await this.hosts.shell(host).exec(['ip', 'netns', 'list'])).stdout.split('\n').some((l) => l.split(' ')[0] === netns));
  }

  private async powerOn(deployment: Deployment, workload: string): Promise<Deployment> {
    const w = this.planned(deployment, workload);
    await awaitTask(this.client, await this.client.call('PowerOnVM_Task', await this.vmRef(deployment, workload)), `powering on VM ${deployment.prefix}${workload}`);
    return this.withWorkload(deployment, await this.wired(deployment.prefix, w, deployment.workloads[workload].host));
  }

  private async migrate(deployment: Deployment, workload: string, host: string): Promise<Deployment> {
    const w = this.planned(deployment, workload);
    const from = deployment.workloads[workload].host;
    const inventory = await this.inventory();
    const vm = await this.vmRef(deployment, workload);
    await awaitTask(this.client, await this.client.call('RelocateVM_Task', vm, { spec: relocateSpec(inventory.host(host)), priority: 'highPriority' }), `migrating VM ${deployment.prefix}${workload} from ${from} to ${host}`);
    await this.untilUnwired(deployment.prefix, w.name, from);
    return this.withWorkload(deployment, await this.wired(deployment.prefix, w, host));
  }

  private withWorkload(deployment: Deployment, workload: DeployedWorkload): Deployment {
    return { ...deployment, workloads: { ...deployment.workloads, [workload.name]: workload } };
  }

  /**
   * Powers off (when on) and destroys a VM by name, then gives the SDN time to drop its ports; what
   * the SDN keeps (its plugin stopped) the sweep removes and reports. A VM already gone is fine.
   */
  private async destroyVm(name: string): Promise<boolean> {
    const vm = (await namedWithPrefix(this.client, 'VirtualMachine', name)).find((v) => v.name === name);
    if (!vm) return false;
    if (text((await retrieveOne(this.client, vm.ref, ['runtime.powerState'])).get('runtime.powerState')) === 'poweredOn') {
      await awaitTask(this.client, await this.client.call('PowerOffVM_Task', vm.ref), `powering off VM ${name}`);
    }
    await awaitTask(this.client, await this.client.call('Destroy_Task', vm.ref), `destroying VM ${name}`);
    await this.sdnFollowed(async () => !(await listNorthbound(this.northbound, 'Logical_Switch_Port', ['name'])).some((r) => r.name.startsWith(`${name}-`)));
    return true;
  }

  private async destroyPortgroup(name: string): Promise<boolean> {
    const group = (await namedWithPrefix(this.client, 'DistributedVirtualPortgroup', name)).find((g) => g.name === name);
    if (!group) return false;
    await awaitTask(this.client, await this.client.call('Destroy_Task', group.ref), `destroying port group ${name}`);
    // The SDN's plugin lets go of the switch: removes it, or, when it is the SDN's own, its mark of the port group.
    await this.sdnFollowed(async () => !(await listNorthbound(this.northbound, 'Logical_Switch', ['name', 'external_ids'])).some((r) => r.name === name && r.external_ids.includes('vcenter-portgroup')));
    return true;
  }

  private async undoSdnSide(sdnJournal: RunJournal): Promise<void> {
    await (await this.sdn()).undo(sdnJournal);
    sdnJournal.remove();
  }

  /** Undoes newest first; one failure does not stop the rest. */
  async undo(journal: RunJournal): Promise<void> {
    await this.inventory();
    const failures: string[] = [];
    for (const entry of journal.undoEntries(undoRecord)) {
      try {
        if ('vm' in entry.undo) await this.destroyVm(entry.undo.vm);
        else if ('portgroup' in entry.undo) await this.destroyPortgroup(entry.undo.portgroup);
        else await this.undoSdnSide(new RunJournal(entry.undo.sdn));
      } catch (error) {
        failures.push(`${entry.what}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length) throw new NetvetError(`could not remove: ${failures.join('; ')}`, "run 'netvet cleanup' once vCenter answers");
  }

  /** VMs and port groups named with `prefix` in vCenter, then whatever of theirs the SDN still holds (its plugin stopped, say). */
  async sweep(prefix: string): Promise<string[]> {
    await this.inventory();
    const removed: string[] = [];
    for (const vm of await namedWithPrefix(this.client, 'VirtualMachine', prefix)) if (await this.destroyVm(vm.name)) removed.push(`VM ${vm.name}`);
    for (const pg of await namedWithPrefix(this.client, 'DistributedVirtualPortgroup', prefix)) if (await this.destroyPortgroup(pg.name)) removed.push(`port group ${pg.name}`);
    for (const host of this.target.hosts.filter((h) => h.integrationBridge)) {
      const swept = await sweepWorkloads(this.hosts.shell(host.name), `${this.target.workloads.namespacePrefix}${prefix}`, prefix, host.integrationBridge!);
      removed.push(...swept.map((what) => `${what} on ${host.name}`));
    }
    removed.push(...(await (await this.sdn()).sweep(prefix)));
    const switches = (await listNorthbound(this.northbound, 'Logical_Switch', ['name'])).filter((r) => r.name.startsWith(prefix)).map((r) => r.name);
    if (switches.length) await run(['ovn-nbctl', `--db=${this.northbound}`, '--timeout=20', ...switches.flatMap((s, i) => [...(i ? ['--'] : []), '--if-exists', 'ls-del', s])], { timeoutMs: 25_000 });
    removed.push(...switches.map((s) => `logical switch ${s}`));
    return removed;
  }

  /** A kept deployment: its plan from the journal, each VM where vCenter says it runs now. */
  async reattach(journal: RunJournal): Promise<Deployment> {
    const topology = journal.header()?.plan;
    const { prefix } = journal;
    if (!topology) throw new NetvetError(`the journal of ${prefix} has no planned topology`, `remove it and apply again: netvet topology destroy --prefix ${prefix}`);
    const inventory = await this.inventory();
    const workloads: Record<string, DeployedWorkload> = {};
    for (const w of topology.workloads) {
      const vm = await this.vmRef({ topology, prefix, workloads: {}, routers: {}, floatingIps: {} }, w.name);
      const host = inventory.hostName(asMoref((await retrieveOne(this.client, vm, ['runtime.host'])).get('runtime.host')));
      if (!host) throw new NetvetError(`VM ${prefix}${w.name} runs on no host of the cluster`, `destroy it and apply it again: netvet topology destroy --prefix ${prefix}`);
      workloads[w.name] = await this.wired(prefix, w, host);
    }
    const routers = topology.routers.length ? (await (await this.sdn()).reattach(new RunJournal(sdnPrefix(prefix)))).routers : {};
    return { topology, prefix, workloads, routers, floatingIps: {} };
  }

  /** vCenter's view of the deployment's VMs: host, power state, NICs. */
  async diagnose(deployment: Deployment): Promise<Array<{ name: string; body: string }>> {
    const inventory = await this.inventory();
    const lines = await Promise.all(
      (await namedWithPrefix(this.client, 'VirtualMachine', deployment.prefix)).map(async (vm) => {
        const props = await retrieveOne(this.client, vm.ref, ['runtime.host', 'runtime.powerState']);
        return `${vm.name}: ${text(props.get('runtime.powerState')) ?? '?'} on ${inventory.hostName(asMoref(props.get('runtime.host'))) ?? '?'}`;
      }),
    );
    return [{ name: 'vCenter VMs', body: lines.join('\n') || '(none)' }];
  }

  /** How OVN names the deployment: switches and routers as the SDN's driver named them, each VM NIC's port as the plugin did (`<vm>-<index>`). */
  private async ovnNames(deployment: Deployment): Promise<OvnNames> {
    const sdn = (await this.sdn()).bindings.ovn;
    if (!sdn) throw new NetvetError('the SDN beside vCenter gives no OVN names', 'the vmware driver runs beside the ovn-northbound driver of an OVN target');
    const names = await sdn({ ...deployment, prefix: sdnPrefix(deployment.prefix) });
    return { ...names, logicalPortOf: (workload, index) => `${deployment.prefix}${workload}-${index}` };
  }
}

/** The prefix of what the SDN builds beside vCenter for deployment `prefix` (its switches give the port groups their names). */
const sdnPrefix = (prefix: string) => `${prefix}sdn-`;

/**
 * Security groups and floating IPs belong to the SDN beside vCenter and bind to the VMs' ports,
 * which this driver does not drive yet; nor does it serve DHCP (guests are configured from their metadata).
 */
function refuseWhatVcenterDoesNotBuild(topology: Topology): void {
  const sections = [
    ['security groups', topology.securityGroups.length],
    ['floating IPs', topology.floatingIps.length],
    ['ports configured by DHCP', topology.workloads.flatMap((w) => w.ports).filter((p) => p.dhcp).length],
  ] as const;
  const present = sections.filter(([, n]) => n > 0).map(([what]) => what);
  if (present.length) {
    throw new NetvetError(`topology ${topology.name} has ${present.join(', ')}, which the vmware driver does not build`, 'have the scenario ask for the capability it needs (snat, fip, dhcp), so it skips on a vCenter target', { file: topology.file });
  }
}
