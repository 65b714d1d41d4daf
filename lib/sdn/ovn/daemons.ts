import { setTimeout as sleep } from 'node:timers/promises';
import type { Shell } from '../../access';
import { rundirExpression, type DaemonName } from './control-plane';
import { NetvetError } from '../../util/errors';

/** What it takes to start a daemon again exactly as it ran: its command line and OVS/OVN environment. */
export interface DaemonSnapshot {
  host: string;
  daemon: DaemonName;
  pid: number;
  argv: string[];
  env: Record<string, string>;
}

/**
 * Prints the live pid of the daemon, then its NUL-separated command line, a `\0--env--\0` mark and
 * its environment; prints nothing when it is not running (no pid file, a dead or zombie pid, or a
 * pid reused by a process whose command line does not name the daemon's pid file).
 */
const SNAPSHOT = [
  'p=$(cat "$1/$2.pid" 2>/dev/null) || exit 0',
  'case "$p" in ""|*[!0-9]*) exit 0;; esac',
  'state=$(sed -n "s/^State:[[:space:]]*\\([A-Z]\\).*/\\1/p" /proc/$p/status 2>/dev/null)',
  '[ -n "$state" ] && [ "$state" != Z ] || exit 0',
  // A stale pid file whose PID now belongs to another process: not our daemon, never signal it.
  'tr "\\0" " " < /proc/$p/cmdline | grep -qF -- "$2" || exit 0',
  'printf "%s\\n" "$p"; cat /proc/$p/cmdline; printf "\\0--env--\\0"; cat /proc/$p/environ',
].join('\n');

/** One daemon on one target host, reached through the host's shell. */
export class RemoteDaemon {
  constructor(
    readonly host: string,
    readonly daemon: DaemonName,
    private readonly shell: Shell,
  ) {}

  get label(): string {
    return `${this.daemon} on ${this.host}`;
  }

  /** The running daemon's pid, command line and environment; undefined when it is not running. */
  async snapshot(): Promise<DaemonSnapshot | undefined> {
    const { code, stdout, stderr } = await this.shell.exec(['sh', '-c', `d="${rundirExpression(this.daemon)}"; set -- "$d" "$1"; ${SNAPSHOT}`, 'sh', this.daemon]);
    if (code !== 0) throw new NetvetError(`cannot look up ${this.label}: ${stderr.trim()}`, `check SSH access to ${this.host}`);
    if (!stdout) return undefined;
    const newline = stdout.indexOf('\n');
    const [cmdline, environ = ''] = stdout.slice(newline + 1).split('\0--env--\0');
    const env = Object.fromEntries(
      environ
        .split('\0')
        .filter((entry) => /^(OVS|OVN)_[A-Z_]+=/.test(entry))
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]),
    );
    return { host: this.host, daemon: this.daemon, pid: Number(stdout.slice(0, newline)), argv: cmdline.split('\0').filter(Boolean), env };
  }

  async running(): Promise<boolean> {
    return (await this.snapshot()) !== undefined;
  }

  /** The snapshot of a daemon that must be running (a fault needs something to break). */
  async require(): Promise<DaemonSnapshot> {
    const snapshot = await this.snapshot();
    if (!snapshot) {
      throw new NetvetError(`${this.label} is not running`, `start it, or check its pid file in ${rundirExpression(this.daemon)} on ${this.host}`);
    }
    return snapshot;
  }

  async signal(pid: number, signal: 'KILL' | 'TERM' | 'STOP' | 'CONT'): Promise<void> {
    const { code, stderr } = await this.shell.exec(['kill', `-${signal}`, String(pid)]);
    if (code !== 0 && !/No such process/.test(stderr)) throw new NetvetError(`cannot send SIG${signal} to ${this.label} (pid ${pid}): ${stderr.trim()}`, `log in to ${this.host} as a user allowed to signal it`);
  }

  /** Waits until the process is gone (a zombie counts as gone); SIGKILL after `graceMs`. */
  async waitGone(pid: number, graceMs = 5000): Promise<void> {
    const deadline = Date.now() + graceMs;
    let killed = false;
    for (;;) {
      const { stdout } = await this.shell.exec(['sh', '-c', 'sed -n "s/^State:[[:space:]]*\\([A-Z]\\).*/\\1/p" /proc/$1/status 2>/dev/null', 'sh', String(pid)]);
      if (!stdout.trim() || stdout.trim() === 'Z') return;
      if (Date.now() > deadline) {
        if (killed) throw new NetvetError(`${this.label} (pid ${pid}) does not die`, `look at it on ${this.host}: ps -o pid,stat,cmd -p ${pid}`);
        await this.signal(pid, 'KILL');
        killed = true;
      }
      await sleep(20);
    }
  }

  /**
   * Starts the daemon again as it ran: same command line and OVS/OVN environment. OVS and OVN
   * daemons started with --detach return once they are ready, so this does too.
   */
  async start(snapshot: DaemonSnapshot): Promise<void> {
    if (!snapshot.argv.includes('--detach')) {
      throw new NetvetError(
        `${this.label} runs in the foreground (no --detach), so a service manager owns it`,
        `netvet restarts a daemon by running its command line again; run ${snapshot.argv[0]} with --detach on ${this.host}`,
      );
    }
    const env = Object.entries(snapshot.env).map(([k, v]) => `${k}=${v}`);
    const result = await this.shell.exec(['env', ...env, ...snapshot.argv], { timeoutMs: 60_000 });
    if (result.code !== 0) {
      const detail = (result.stderr || result.stdout).trim().split('\n').slice(-2).join(' | ');
      throw new NetvetError(`${this.label} did not start again: ${detail}`, `run it by hand on ${this.host}: ${snapshot.argv.join(' ')}`);
    }
  }
}
