import type { TargetHosts } from '../../target/hosts';
import { Fault, HostFault } from '../fault';
import type { SdnFaults } from '../types';
import { chassisHosts, clusterHosts, CLUSTERS, northdStatuses, ovnOf, raftLeader, type ClusterName, type DaemonName } from './control-plane';
import { NetvetError } from '../../util/errors';
import { RemoteDaemon, type DaemonSnapshot } from './daemons';

const ISOLATION_TABLE = 'netvet_isolate';

/**
 * Fault injection against any target, through its hosts and their shells only: signals to daemons
 * found by their pid files, links taken down, packet filters. Every fault is recorded with its
 * undo; `undoAll` puts everything back, newest first, and a test fixture calls it even when the
 * test failed.
 */
export class Faults implements SdnFaults {
  private readonly injected: Fault[] = [];

  constructor(
    readonly hosts: TargetHosts,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Every fault injected so far, oldest first. */
  get all(): readonly Fault[] {
    return this.injected;
  }

  daemon(host: string, daemon: DaemonName): RemoteDaemon {
    this.hosts.get(host);
    return new RemoteDaemon(host, daemon, this.hosts.shell(host));
  }

  private record<T extends Fault>(fault: T): T {
    this.injected.push(fault);
    this.log(`fault: ${fault.description}`);
    return fault;
  }

  /** Starts each snapshot's daemon again unless it is already running (someone restarted it meanwhile). */
  private async revive(snapshots: DaemonSnapshot[]): Promise<void> {
    await Promise.all(
      snapshots.map(async (snapshot) => {
        const daemon = this.daemon(snapshot.host, snapshot.daemon);
        if (!(await daemon.running())) await daemon.start(snapshot);
      }),
    );
  }

  /** SIGKILL: the daemon crashes. Undo starts it again with the same command line. */
  async kill(host: string, daemon: DaemonName): Promise<HostFault> {
    const target = this.daemon(host, daemon);
    const snapshot = await target.require();
    await target.signal(snapshot.pid, 'KILL');
    await target.waitGone(snapshot.pid);
    return this.record(new HostFault(host, `killed ${target.label} (pid ${snapshot.pid})`, () => this.revive([snapshot])));
  }

  /** SIGSTOP: the daemon hangs with its sockets open, as a wedged process does. Undo sends SIGCONT. */
  async stop(host: string, daemon: DaemonName): Promise<HostFault> {
    const target = this.daemon(host, daemon);
    const snapshot = await target.require();
    await target.signal(snapshot.pid, 'STOP');
    return this.record(new HostFault(host, `stopped ${target.label} (SIGSTOP, pid ${snapshot.pid})`, () => target.signal(snapshot.pid, 'CONT')));
  }

  /** A clean restart (SIGTERM, then the same command line); returns how long it was down. */
  async restart(host: string, daemon: DaemonName): Promise<{ downMs: number }> {
    const target = this.daemon(host, daemon);
    const snapshot = await target.require();
    const started = Date.now();
    // Recorded until it runs again, so a failed start is retried by undoAll.
    const fault = this.record(new Fault(`restarting ${target.label}`, started, () => this.revive([snapshot])));
    await target.signal(snapshot.pid, 'TERM');
    await target.waitGone(snapshot.pid);
    await fault.undo();
    this.log(`restarted ${target.label}`);
    return { downMs: Date.now() - started };
  }

  /** Kills the member that is the Raft leader of a database now. */
  async killRaftLeader(cluster: ClusterName): Promise<HostFault> {
    const leader = await raftLeader(this.hosts, cluster);
    if (!leader) throw new NetvetError(`the ${CLUSTERS[cluster].schema} cluster has no leader to kill`, 'the target is unhealthy before the fault: check cluster/status on its members');
    return this.kill(leader, CLUSTERS[cluster].daemon);
  }

  /** Kills every member of a database (the southbound, for a headless data plane); undo starts them all. */
  async killCluster(cluster: ClusterName): Promise<Fault> {
    const members = clusterHosts(this.hosts.target, cluster).map((host) => this.daemon(host, CLUSTERS[cluster].daemon));
    const snapshots = await Promise.all(members.map((m) => m.require()));
    await Promise.all(members.map(async (m, i) => {
      await m.signal(snapshots[i].pid, 'KILL');
      await m.waitGone(snapshots[i].pid);
    }));
    return this.record(new Fault(`killed every ${CLUSTERS[cluster].schema} member (${members.map((m) => m.host).join(', ')})`, Date.now(), () => this.revive(snapshots)));
  }

  /** Kills the ovn-northd that holds the lock (status active). */
  async killActiveNorthd(): Promise<HostFault> {
    const active = (await northdStatuses(this.hosts)).find((n) => n.status === 'active');
    if (!active) throw new NetvetError('no ovn-northd is active, so there is none to kill', 'the target is unhealthy before the fault: check `ovn-appctl -t ovn-northd status` on the northd hosts');
    return this.kill(active.host, 'ovn-northd');
  }

  /**
   * The chassis' datapath dies with its controller (a hypervisor crash as the SDN sees it, while its
   * management SSH stays up). Undo starts ovs-vswitchd, then ovn-controller.
   */
  async chassisDown(host: string): Promise<HostFault> {
    if (!chassisHosts(this.hosts.target).includes(host)) throw new NetvetError(`${host} is no chassis`, `use one of: ${chassisHosts(this.hosts.target).join(', ')}`);
    const controller = this.daemon(host, 'ovn-controller');
    const vswitchd = this.daemon(host, 'ovs-vswitchd');
    const snapshots = [await vswitchd.require(), await controller.require()];
    await Promise.all([vswitchd, controller].map(async (d, i) => {
      await d.signal(snapshots[i].pid, 'KILL');
      await d.waitGone(snapshots[i].pid);
    }));
    return this.record(new HostFault(host, `chassis ${host} down (killed ovs-vswitchd and ovn-controller)`, async () => {
      await this.revive([snapshots[0]]);
      await this.revive([snapshots[1]]);
    }));
  }

  /** Takes a link down (an underlay uplink, one member of a bond); undo brings it up. */
  async linkDown(host: string, link: string): Promise<HostFault> {
    const shell = this.hosts.shell(host);
    const set = async (state: 'up' | 'down') => {
      const result = await shell.exec(['ip', 'link', 'set', 'dev', link, state]);
      if (result.code !== 0) throw new NetvetError(`cannot set ${link} ${state} on ${host}: ${result.stderr.trim()}`, `name a link of ${host} (ip -br link there)`);
    };
    await set('down');
    return this.record(new HostFault(host, `link ${link} on ${host} down`, () => set('up')));
  }

  /**
   * Cuts a host off from `peers` (addresses; by default the other control-plane members' Raft
   * addresses, or say a chassis' tunnel peers) with an nftables table of its own on that host;
   * everything else, SSH included, still reaches it. Undo deletes the table.
   */
  async isolate(host: string, peers: string[] = this.raftPeers(host)): Promise<HostFault> {
    if (!peers.length) throw new NetvetError(`${host} has no cluster peers to be isolated from`, 'list the Raft members in ovn.northboundCluster / southboundCluster of the target file');
    const shell = this.hosts.shell(host);
    const nft = async (script: string) => {
      const result = await shell.exec(['nft', '-f', '-'], { input: script });
      if (result.code !== 0) throw new NetvetError(`nft on ${host} failed: ${result.stderr.trim()}`, `install nftables on ${host}`);
    };
    const set = `{ ${peers.join(', ')} }`;
    // Declaring the table first makes the delete safe when it is absent (a rerun after a crash).
    await nft([
      `table inet ${ISOLATION_TABLE} {}`,
      `delete table inet ${ISOLATION_TABLE}`,
      `table inet ${ISOLATION_TABLE} {`,
      `  chain input { type filter hook input priority -10; policy accept; ip saddr ${set} drop; }`,
      `  chain output { type filter hook output priority -10; policy accept; ip daddr ${set} drop; }`,
      '}',
      '',
    ].join('\n'));
    return this.record(new HostFault(host, `isolated ${host} from ${peers.join(', ')}`, () => nft(`table inet ${ISOLATION_TABLE} {}\ndelete table inet ${ISOLATION_TABLE}\n`)));
  }

  private raftPeers(host: string): string[] {
    const ovn = ovnOf(this.hosts.target);
    return [...new Set([...ovn.northboundCluster, ...ovn.southboundCluster].filter((m) => m.host !== host).map((m) => /(\d+\.\d+\.\d+\.\d+)/.exec(m.address)?.[1]).filter((a): a is string => !!a))];
  }

  /** Undoes every fault still in place, newest first; one failure does not stop the others. */
  async undoAll(): Promise<void> {
    const failures: string[] = [];
    for (const fault of [...this.injected].reverse()) {
      if (fault.undone) continue;
      try {
        await fault.undo();
        this.log(`undone: ${fault.description}`);
      } catch (error) {
        failures.push(`${fault.description}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failures.length) throw new NetvetError(`could not undo ${failures.length} fault(s): ${failures.join('; ')}`, 'restore them by hand on the target (the messages say how), then check it with a health check');
  }
}
