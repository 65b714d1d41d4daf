import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Shell } from '../../../access';
import { plugWorkload, unplugWorkload } from '../../../orchestrators/shared/workload';
import { Vim25Client, type VcenterLogin } from '../../../orchestrators/vmware/vim25/client';
import { createView, viewSpec, watch } from '../../../orchestrators/vmware/vim25/properties';
import type { TargetHosts } from '../../../target/hosts';
import { run } from '../../../util/exec';
import { VcenterState, WATCHED, type Vm } from './vcenter-state';

/** What the plugin knows of the deployment it wires VMs into. */
export interface PluginSetup {
  login: VcenterLogin;
  hosts: TargetHosts;
  /** OVN's northbound DB, where port groups become logical switches and NICs logical ports. */
  northbound: string;
  /** Workload namespaces start with it, so the lab's teardown finds them. */
  namespacePrefix: string;
  log: (line: string) => void;
}

/** A VM's NICs as wired on one chassis. */
interface Wired {
  chassis: string;
  netns: string;
  taps: string[];
  ports: string[];
  /** What it was wired from: a change (another host, NIC or address) rewires it. */
  signature: string;
}

/** One logical port per NIC, named as the VM's NIC `<vm>-<index>`. */
const portName = (vm: string, index: number) => `${vm}-${index}`;
/** A veth name unique per logical port, within Linux's 15 characters. */
const tapName = (port: string) => `tap${createHash('sha1').update(port).digest('hex').slice(0, 11)}`;
const workloadDir = (netns: string) => `/run/netvet/workloads/${netns}`;

/**
 * The lab's vCenter plugin, as contrail-vcenter-plugin or NSX are to a real vCenter: it watches
 * vCenter through the PropertyCollector (WaitForUpdatesEx) and keeps the SDN in step:
 * - a distributed port group with an access VLAN is an OVN logical switch of its name (the VLAN
 *   noted on it); a trunk (the switch's uplinks) is none;
 * - each powered-on VM is a workload namespace on the chassis standing for its ESXi host, one
 *   logical port per NIC (its MAC, the address its guest metadata gives), attached to br-int as
 *   the lab's other workloads are; powered off or gone, it is removed; on another host (vMotion),
 *   it moves there with the same MAC and address.
 */
export class VcenterPlugin {
  private readonly state = new VcenterState();
  /** Port group key to its logical switch, and whether the switch was there before (the SDN's own, adopted). */
  private readonly switches = new Map<string, { name: string; adopted: boolean }>();
  private readonly wired = new Map<string, Wired>();

  constructor(private readonly setup: PluginSetup) {}

  /** Watches until `signal` aborts; a lost session is logged in again and the whole state read anew. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const client = new Vim25Client(this.setup.login);
      try {
        const { rootFolder } = await client.connect();
        const specs = [];
        for (const [type, paths] of Object.entries(WATCHED)) specs.push(viewSpec(await createView(client, rootFolder, [type]), type, paths));
        this.setup.log(`watching ${this.setup.login.url}`);
        await watch(client, specs, async (updates) => {
          this.state.apply(updates);
          await this.reconcile();
        }, signal);
      } catch (error) {
        this.setup.log(`vCenter watch failed, starting again: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(1000);
      } finally {
        await client.logout();
      }
    }
  }

  private async nbctl(commands: string[][]): Promise<string> {
    const argv = ['ovn-nbctl', `--db=${this.setup.northbound}`, '--timeout=20', ...commands.flatMap((c, i) => (i ? ['--', ...c] : c))];
    return (await run(argv, { timeoutMs: 25_000 })).stdout;
  }

  private async reconcile(): Promise<void> {
    await this.reconcileSwitches();
    const wanted = new Map(this.state.vms().flatMap((vm) => this.wanted(vm)));
    for (const [name, wired] of [...this.wired]) {
      const next = wanted.get(name);
      if (next?.signature === wired.signature) continue;
      await this.unwire(name, wired, next === undefined);
    }
    for (const [name, next] of wanted) {
      if (this.wired.has(name)) continue;
      await this.wire(name, next).catch((error: unknown) => this.setup.log(`wiring VM ${name} on ${next.chassis} failed (tried again at the next update): ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  /**
   * A port group with an access VLAN is the logical switch of its name: the SDN's own when it made
   * one (its routers attach there), else one the plugin makes. When the port group goes, the
   * plugin removes a switch it made and only its marks from one it adopted.
   */
  private async reconcileSwitches(): Promise<void> {
    const groups = this.state.portGroups().filter((pg) => pg.vlan !== undefined);
    for (const pg of groups) {
      if (this.switches.get(pg.key)?.name === pg.name) continue;
      const adopted = (await this.nbctl([['--bare', '--columns=_uuid', 'find', 'logical_switch', `name=${pg.name}`]])).trim() !== '';
      await this.nbctl([
        ['--may-exist', 'ls-add', pg.name],
        ['set', 'logical_switch', pg.name, `external_ids:vcenter-portgroup=${pg.key}`, `external_ids:vcenter-vlan=${pg.vlan}`],
      ]);
      this.switches.set(pg.key, { name: pg.name, adopted });
      this.setup.log(`port group ${pg.name} (VLAN ${pg.vlan}) is ${adopted ? "the SDN's" : 'new'} logical switch ${pg.name}`);
    }
    const present = new Set(groups.map((pg) => pg.key));
    for (const [key, { name, adopted }] of [...this.switches]) {
      if (present.has(key)) continue;
      await this.nbctl(adopted ? [['--if-exists', 'remove', 'logical_switch', name, 'external_ids', 'vcenter-portgroup', 'vcenter-vlan']] : [['--if-exists', 'ls-del', name]]);
      this.switches.delete(key);
      this.setup.log(`port group ${name} is gone: ${adopted ? 'its marks removed from the logical switch' : 'logical switch removed'}`);
    }
  }

  /** The wiring a VM should have, if it is powered on, on a host with a chassis, with its NICs on mapped port groups. */
  private wanted(vm: Vm): Array<[string, Wired & { vm: Vm }]> {
    const chassis = this.state.hostName(vm.host);
    if (!vm.poweredOn || !chassis || !vm.metadata || !vm.nics.length) return [];
    if (!vm.nics.every((n) => this.switches.has(n.portgroupKey))) return [];
    const netns = `${this.setup.namespacePrefix}${vm.name}`;
    const ports = vm.nics.map((_, i) => portName(vm.name, i));
    const signature = JSON.stringify([chassis, vm.nics, vm.metadata]);
    return [[vm.name, { chassis, netns, taps: ports.map(tapName), ports, signature, vm }]];
  }

  private shell(chassis: string): Shell {
    return this.setup.hosts.shell(chassis);
  }

  private async wire(name: string, next: Wired & { vm: Vm }): Promise<void> {
    const { vm } = next;
    const metadata = vm.metadata!;
    const ethernets = Object.values(metadata.network.ethernets);
    const ports = vm.nics.map((nic, i) => {
      const eth = ethernets.find((e) => e.match.macaddress.toLowerCase() === nic.mac);
      const [address, prefix] = (eth?.addresses[0] ?? '0.0.0.0/0').split('/');
      return { nic, eth, tap: next.taps[i], logicalPort: next.ports[i], iface: eth?.['set-name'] ?? `eth${i}`, mac: nic.mac, address, prefixLength: Number(prefix), dhcp: eth?.dhcp4 ?? false };
    });
    await this.nbctl(
      ports.flatMap((p) => [
        ['--may-exist', 'lsp-add', this.switches.get(p.nic.portgroupKey)!.name, p.logicalPort],
        ['lsp-set-addresses', p.logicalPort, p.address === '0.0.0.0' ? p.mac : `${p.mac} ${p.address}`],
        ['set', 'logical_switch_port', p.logicalPort, `external_ids:vcenter-vm=${name}`],
      ]),
    );
    // Recorded first: a plug that fails halfway is removed before it is tried again.
    this.wired.set(name, next);
    const host = this.setup.hosts.get(next.chassis);
    await plugWorkload(this.shell(next.chassis), {
      netns: next.netns,
      hostname: metadata['local-hostname'],
      mtu: ethernets[0]?.mtu ?? 1500,
      forwarding: metadata.forwarding,
      ports: ports.map(({ tap, iface, mac, address, prefixLength, logicalPort, dhcp }) => ({ tap, iface, mac, address, prefixLength, logicalPort, dhcp })),
      defaultGateway: ethernets[0]?.gateway4 ?? null,
      routes: ethernets.flatMap((e) => e.routes.map((r) => ({ destination: r.to, nexthop: r.via }))),
      runPrefix: name,
      dir: workloadDir(next.netns),
      integrationBridge: host.integrationBridge ?? 'br-int',
      authorizedKey: metadata['public-keys'].join('\n'),
    });
    this.setup.log(`VM ${name} wired on ${next.chassis}: ${ports.map((p) => `${p.logicalPort} ${p.mac} ${p.address}`).join(', ')}`);
  }

  /** Removes a VM's namespace from its chassis; its logical ports too when the VM is no longer wanted anywhere. */
  private async unwire(name: string, wired: Wired, removePorts: boolean): Promise<void> {
    const host = this.setup.hosts.get(wired.chassis);
    await unplugWorkload(this.shell(wired.chassis), { netns: wired.netns, taps: wired.taps, dir: workloadDir(wired.netns), integrationBridge: host.integrationBridge ?? 'br-int' }).catch((error: unknown) =>
      this.setup.log(`unplugging VM ${name} from ${wired.chassis}: ${error instanceof Error ? error.message : String(error)}`),
    );
    if (removePorts) await this.nbctl(wired.ports.map((p) => ['--if-exists', 'lsp-del', p]));
    this.wired.delete(name);
    this.setup.log(`VM ${name} unwired from ${wired.chassis}${removePorts ? ', its logical ports removed' : ''}`);
  }
}
