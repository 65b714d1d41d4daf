import { setTimeout as delay } from 'node:timers/promises';
import type { Shell } from '../../access';
import { NetvetError } from '../../util/errors';
import { identify } from '../../util/process-identity';
import { ChangeJournal, type EncapsulationChange } from '../../target/changes';
import type { TargetHosts } from '../../target/hosts';
import type { Encapsulation, Target } from '../../target/schema';
import { Southbound } from './southbound';

/** One chassis: its target host, its name in the southbound DB, and its `ovn-encap-type` (null when unset). */
interface Chassis {
  host: string;
  systemId: string;
  setting: string | null;
}

export interface SwitchOptions {
  /** How long the chassis may take to announce the new type and rebuild their tunnels. Default 30 s. */
  timeoutMs?: number;
}

// ovn-controller tunnels with the best type of its own setting, to each chassis that announces that
// type, and to no other (encaps.c: "No supported encaps for ...").
const PREFERENCE = ['geneve', 'stt', 'vxlan'];

/**
 * Switches the tunnel encapsulation of a whole OVN deployment at run time, the way an operator
 * does: `external_ids:ovn-encap-type` on every chassis, over SSH. Done means real state agrees:
 * every chassis announces exactly the new type in the southbound Encap table and every chassis'
 * tunnels on the integration bridge have the type OVN picks for them. `restore()` puts
 * back each chassis' own original setting and waits the same way. The originals are journaled
 * before the first chassis is touched, so `netvet cleanup` restores them after a killed run.
 */
export class ChassisEncapsulation {
  private readonly southbound: Southbound | null;
  private originals: Chassis[] | null = null;
  /** What the last switch set, per host; what `disagreements()` compares with. */
  private applied: Map<string, string | null> | null = null;
  private journal: ChangeJournal | null = null;

  constructor(
    private readonly target: Target,
    private readonly hosts: TargetHosts,
    /** The target's file, recorded so cleanup can reach the target again. */
    private readonly targetFile: string,
  ) {
    this.southbound = target.ovn ? new Southbound(target.ovn.southbound) : null;
  }

  async switchTo(kind: Encapsulation, options: SwitchOptions = {}): Promise<void> {
    const { supported, current } = this.target.encapsulation;
    if (!supported.includes(kind)) {
      throw new NetvetError(`target '${this.target.name}' does not support ${kind} tunnels (it declares: ${supported.join(', ')})`, `run this against a target whose encapsulation.supported lists ${kind}`);
    }
    if (!this.southbound) {
      if (current === kind) return;
      throw new NetvetError(
        `target '${this.target.name}' tunnels with ${current} and netvet switches encapsulation only through OVN chassis settings`,
        `run this against a target configured for ${kind}, or describe its OVN endpoints (ovn section of the target file)`,
      );
    }
    // Read before writing, once: a second switch in the same test still restores the first original.
    this.originals ??= await Promise.all(this.chassisHosts().map((host) => this.read(host)));
    this.journal ??= ChangeJournal.record({
      kind: 'encapsulation',
      owner: identify(process.pid),
      targetFile: this.targetFile,
      target: this.target.name,
      started: new Date().toISOString(),
      originals: this.originals.map(({ host, setting }) => ({ host, setting })),
    });
    this.applied = new Map(this.originals.map((c) => [c.host, kind]));
    await this.apply(this.applied, options);
  }

  /** How the chassis differ now from what the last switch set, in words; empty when they all agree. */
  async disagreements(): Promise<string[]> {
    if (!this.applied || !this.southbound) return [];
    const { changed, pending } = await this.state(this.applied);
    return [...changed, ...pending];
  }

  /** Puts back what each chassis had before the first switch; does nothing when nothing was switched. */
  async restore(options: SwitchOptions = {}): Promise<void> {
    if (!this.originals) return;
    const originals = this.originals;
    await this.apply(new Map(originals.map((c) => [c.host, c.setting])), options);
    this.journal?.remove();
    this.originals = this.applied = null;
    this.journal = null;
  }

  /** Restores what a killed run's switch recorded (`netvet cleanup`); forgets the record once done. */
  async restoreRecorded(change: EncapsulationChange, journal: ChangeJournal, options: SwitchOptions = {}): Promise<void> {
    this.originals = await Promise.all(change.originals.map(async ({ host, setting }) => ({ ...(await this.read(host)), setting })));
    this.journal = journal;
    await this.restore(options);
  }

  private chassisHosts(): string[] {
    const chassis = this.target.hosts.filter((h) => h.integrationBridge && h.data).map((h) => h.name);
    if (!chassis.length) throw new NetvetError(`target '${this.target.name}' lists no chassis`, 'give the chassis hosts data (tunnel endpoint) and integrationBridge in the target file');
    return chassis;
  }

  private async read(host: string): Promise<Chassis> {
    const ids = await externalIds(this.hosts.shell(host));
    if (!ids['system-id']) throw new NetvetError(`${host} has no external_ids:system-id in its Open vSwitch database`, `check that ${host} is an OVN chassis (ovs-vsctl get open . external_ids)`);
    return { host, systemId: ids['system-id'], setting: ids['ovn-encap-type'] ?? null };
  }

  private async apply(settings: Map<string, string | null>, { timeoutMs = 30_000 }: SwitchOptions): Promise<void> {
    await Promise.all(
      [...settings].map(([host, setting]) =>
        mustExec(this.hosts.shell(host), setting === null ? ['ovs-vsctl', 'remove', 'open_vswitch', '.', 'external_ids', 'ovn-encap-type'] : ['ovs-vsctl', 'set', 'open_vswitch', '.', `external_ids:ovn-encap-type=${setting}`]),
      ),
    );
    const what = [...new Set(settings.values())].map((s) => s ?? 'no type').join(' / ');
    const deadline = Date.now() + timeoutMs;
    for (let pause = 50; ; pause = Math.min(pause * 2, 500)) {
      const { changed, pending } = await this.state(settings);
      // Waiting cannot help when something else rewrites the setting.
      if (changed.length) throw new NetvetError(`switching the chassis to ${what}: ${changed.join('; ')}`, 'find what manages external_ids on that chassis (configuration management, another test run) and stop it while this runs');
      if (!pending.length) return;
      if (Date.now() > deadline) {
        throw new NetvetError(`the chassis did not switch to ${what} within ${timeoutMs / 1000} s: ${pending.join('; ')}`, 'look at ovn-controller.log on the chassis named');
      }
      await delay(pause);
    }
  }

  /**
   * `changed`: chassis whose setting is no longer what netvet set; `pending`: what the southbound
   * DB and the chassis' tunnels do not show yet.
   */
  private async state(settings: Map<string, string | null>): Promise<{ changed: string[]; pending: string[] }> {
    const chassis = await Promise.all([...settings.keys()].map((host) => this.read(host)));
    const changed = chassis
      .filter((c) => c.setting !== settings.get(c.host))
      .map((c) => `${c.host} is set to ${c.setting ?? 'no type'} (external_ids:ovn-encap-type), not the ${settings.get(c.host) ?? 'no type'} netvet set`);
    const wanted = new Map(chassis.map((c) => [c.systemId, types(settings.get(c.host) ?? null)]));
    const names = new Map(chassis.map((c) => [c.systemId, c.host]));
    const announced = new Map<string, string[]>();
    for (const row of await this.southbound!.find('Encap', ['chassis_name', 'type'])) {
      announced.set(String(row.chassis_name), [...(announced.get(String(row.chassis_name)) ?? []), String(row.type)]);
    }
    const pending: string[] = [];
    for (const c of chassis) {
      const has = (announced.get(c.systemId) ?? []).sort().join(',') || 'nothing';
      const want = [...wanted.get(c.systemId)!].sort().join(',') || 'nothing';
      if (has !== want) pending.push(`${c.host} announces ${has} in the southbound Encap table, expected ${want}`);
    }
    const tunnels = await Promise.all(chassis.map((c) => tunnelTypes(this.hosts.shell(c.host))));
    chassis.forEach((c, i) => {
      const own = preferred(wanted.get(c.systemId)!);
      for (const [remote, theirs] of wanted) {
        if (remote === c.systemId) continue;
        const has = tunnels[i].get(remote) ?? 'none';
        const expected = own && theirs.includes(own) ? own : 'none';
        if (has !== expected) pending.push(`${c.host}'s tunnel to ${names.get(remote)} is ${has}, expected ${expected}`);
      }
    });
    return { changed, pending };
  }
}

function types(setting: string | null): string[] {
  return (setting ?? '').split(',').map((t) => t.trim()).filter(Boolean);
}

function preferred(kinds: string[]): string | undefined {
  return [...kinds].sort((a, b) => rank(a) - rank(b))[0];
}

function rank(kind: string): number {
  const at = PREFERENCE.indexOf(kind);
  return at < 0 ? PREFERENCE.length : at;
}

async function mustExec(shell: Shell, argv: string[]): Promise<string> {
  const result = await shell.exec(argv, { timeoutMs: 15_000 });
  if (result.code !== 0) {
    throw new NetvetError(`'${argv.join(' ')}' failed on ${shell.name} (exit ${result.code}): ${(result.stderr || result.stdout).trim()}`, `run it on ${shell.name} by hand to see why`);
  }
  return result.stdout;
}

async function externalIds(shell: Shell): Promise<Record<string, string>> {
  const out = await mustExec(shell, ['ovs-vsctl', '--format=json', '--data=json', '--columns=external_ids', 'list', 'open_vswitch']);
  const [[map]] = (JSON.parse(out) as { data: Array<[['map', Array<[string, string]>]]> }).data;
  return Object.fromEntries(map[1]);
}

/** Tunnel type per remote chassis (system-id), from the tunnel ports ovn-controller made on the chassis. */
async function tunnelTypes(shell: Shell): Promise<Map<string, string>> {
  const [ports, interfaces] = await Promise.all([
    mustExec(shell, ['ovs-vsctl', '--format=json', '--data=json', '--columns=name,external_ids', 'list', 'port']),
    mustExec(shell, ['ovs-vsctl', '--format=json', '--data=json', '--columns=name,type', 'list', 'interface']),
  ]);
  const typeOf = new Map((JSON.parse(interfaces) as { data: Array<[string, string]> }).data);
  const found = new Map<string, string>();
  for (const [name, [, ids]] of (JSON.parse(ports) as { data: Array<[string, ['map', Array<[string, string]>]]> }).data) {
    // ovn-chassis-id is "<system-id>@<encap ip>" on the tunnel ports ovn-controller owns.
    const remote = ids.find(([key]) => key === 'ovn-chassis-id')?.[1].split('@')[0];
    if (remote) found.set(remote, typeOf.get(name) ?? 'unknown');
  }
  return found;
}
