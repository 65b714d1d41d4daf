import { setTimeout as sleep } from 'node:timers/promises';
import type { Shell } from '../../access';
import type { TargetHosts } from '../../target/hosts';
import { NetvetError } from '../../util/errors';
import { HostFault } from '../fault';
import type { ControlDatabase, InjectedFault, SdnFaults } from '../types';

/** How a daemon ran: enough to start it again as it was. */
interface Snapshot {
  pid: number;
  argv: string[];
  env: string[];
}

/** The pid file's live pid, then the NUL-separated command line, a mark, and the environment; nothing when not running. */
const SNAPSHOT = [
  'p=$(cat "${OVS_RUNDIR:-/var/run/openvswitch}/$1.pid" 2>/dev/null) || exit 0',
  'case "$p" in ""|*[!0-9]*) exit 0;; esac',
  'grep -q "^State:[[:space:]]*[^Z]" /proc/$p/status 2>/dev/null || exit 0',
  'tr "\\0" " " < /proc/$p/cmdline | grep -qF -- "$1" || exit 0',
  'printf "%s\\n" "$p"; cat /proc/$p/cmdline; printf "\\0--env--\\0"; cat /proc/$p/environ',
].join('\n');

/** Starts argv again in the background, its pid in the pid file, its output beside it. */
const START = 'f="${OVS_RUNDIR:-/var/run/openvswitch}/$1"; shift; setsid sh -c \'echo $$ >"$0.pid"; exec "$@"\' "$f" "$@" </dev/null >>"$f.out" 2>&1 &';

/**
 * Faults of a BGP VPN's daemons (bagpipe-bgp on a PE, gobgpd on the route reflector), found by
 * their pid files in the host's run directory and started again from the command line and
 * environment they ran with. A BGP VPN has no Raft cluster or northd: those faults throw.
 */
export class DaemonFaults implements SdnFaults {
  private readonly injected: HostFault[] = [];

  constructor(
    private readonly hosts: TargetHosts,
    private readonly log: (line: string) => void,
  ) {}

  get all(): readonly InjectedFault[] {
    return this.injected;
  }

  private shell(host: string): Shell {
    this.hosts.get(host);
    return this.hosts.shell(host);
  }

  private async snapshot(host: string, daemon: string): Promise<Snapshot> {
    const { stdout } = await this.shell(host).exec(['sh', '-c', SNAPSHOT, 'sh', daemon]);
    if (!stdout) throw new NetvetError(`${daemon} is not running on ${host}`, `start it, or check its pid file in $OVS_RUNDIR on ${host}`);
    const newline = stdout.indexOf('\n');
    const [cmdline, environ = ''] = stdout.slice(newline + 1).split('\0--env--\0');
    const env = environ.split('\0').filter((e) => /^(OVS_[A-Z_]+|TMPDIR|PATH)=/.test(e));
    return { pid: Number(stdout.slice(0, newline)), argv: cmdline.split('\0').filter(Boolean), env };
  }

  private async signal(host: string, pid: number, signal: string): Promise<void> {
    await this.shell(host).exec(['kill', `-${signal}`, String(pid)]);
  }

  private async waitGone(host: string, pid: number): Promise<void> {
    for (let tries = 0; tries < 250; tries++) {
      const { stdout } = await this.shell(host).exec(['sh', '-c', 'grep -q "^State:[[:space:]]*[^Z]" /proc/$1/status 2>/dev/null && echo alive', 'sh', String(pid)]);
      if (!stdout.trim()) return;
      await sleep(20);
    }
    throw new NetvetError(`pid ${pid} on ${host} does not die`, `look at it: ps -o pid,stat,cmd -p ${pid}`);
  }

  private async start(host: string, daemon: string, snapshot: Snapshot): Promise<void> {
    const result = await this.shell(host).exec(['sh', '-c', START, 'sh', daemon, 'env', ...snapshot.env, ...snapshot.argv]);
    if (result.code !== 0) throw new NetvetError(`${daemon} on ${host} did not start again: ${result.stderr.trim()}`, `run it by hand on ${host}: ${snapshot.argv.join(' ')}`);
  }

  private record(fault: HostFault): HostFault {
    this.injected.push(fault);
    this.log(`fault: ${fault.description}`);
    return fault;
  }

  /** SIGKILL: the kernel closes its sockets, so its BGP peers see the session end at once. Undo starts it again as it ran. */
  async kill(host: string, daemon: string): Promise<HostFault> {
    const snapshot = await this.snapshot(host, daemon);
    await this.signal(host, snapshot.pid, 'KILL');
    await this.waitGone(host, snapshot.pid);
    return this.record(new HostFault(host, `${daemon} killed on ${host}`, () => this.start(host, daemon, snapshot)));
  }

  /** SIGSTOP: sessions stay open but nothing is sent, until the peers' hold timers expire. */
  async stop(host: string, daemon: string): Promise<HostFault> {
    const { pid } = await this.snapshot(host, daemon);
    await this.signal(host, pid, 'STOP');
    return this.record(new HostFault(host, `${daemon} stopped (SIGSTOP) on ${host}`, () => this.signal(host, pid, 'CONT')));
  }

  async restart(host: string, daemon: string): Promise<{ downMs: number }> {
    const start = Date.now();
    const fault = await this.kill(host, daemon);
    await fault.undo();
    return { downMs: Date.now() - start };
  }

  private notApplicable(what: string): never {
    throw new NetvetError(`a BGP VPN has no ${what}`, 'the scenario asks for a capability this SDN does not offer (ha:*); kill the route reflector or a PE with kill(host, daemon) instead');
  }

  killRaftLeader(database: ControlDatabase): Promise<HostFault> {
    return this.notApplicable(`${database} Raft cluster`);
  }

  killCluster(database: ControlDatabase): Promise<InjectedFault> {
    return this.notApplicable(`${database} cluster`);
  }

  killActiveNorthd(): Promise<HostFault> {
    return this.notApplicable('ovn-northd');
  }

  chassisDown(): Promise<HostFault> {
    return this.notApplicable('chassis registration to take down (kill its bagpipe-bgp instead)');
  }

  linkDown(): Promise<HostFault> {
    return this.notApplicable('link faults in netvet yet');
  }

  isolate(): Promise<HostFault> {
    return this.notApplicable('isolation faults in netvet yet');
  }

  /** Undoes every fault, newest first. */
  async undoAll(): Promise<void> {
    for (const fault of [...this.injected].reverse()) await fault.undo();
  }
}
