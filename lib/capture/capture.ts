import { setTimeout as delay } from 'node:timers/promises';
import type { ExecResult, Shell } from '../access/shell';
import { NetvetError } from '../util/errors';
import { parseCapture, type CapturedPacket } from './pcap';

export interface CaptureOptions {
  /** The interface on the host, such as the fabric NIC `eth1`, or `any`. */
  iface: string;
  /** A tcpdump filter as argv words, such as `['udp', 'port', '4789']`; empty captures everything. */
  filter?: readonly string[];
  /** tcpdump stops by itself after this many packets. Default 10 000. */
  maxPackets?: number;
  /** tcpdump stops by itself after this long, so a killed run cannot leave it running. Default 300. */
  maxSeconds?: number;
  /** Bytes kept of each packet: the default holds every tunnel's headers; BGP messages need whole packets (0). */
  snapLength?: number;
}

export interface CaptureResult<T> {
  packets: CapturedPacket[];
  result: T;
  /** Set when tcpdump hit a limit before `during()` ended: later packets were not seen. */
  stoppedEarly?: 'maxPackets' | 'maxSeconds';
  /** Packets the kernel dropped because tcpdump fell behind, as tcpdump reported on exit. */
  droppedByKernel?: number;
}

// Headers are all the classifier needs; 256 bytes hold outer and inner headers of every tunnel kind.
const SNAP_LENGTH = 256;
const COMMAND_MS = 15_000;
const START_LIMIT_MS = 20_000;
// Packets still queued in the kernel are lost when tcpdump is stopped; it writes each one as soon as
// it reads it (--immediate-mode), so the file not growing for this long means the queue is empty.
const QUIET_MS = 50;
const QUIET_LIMIT_MS = 2_000;
// Values travel as positional arguments; the scripts themselves are constants.
const START = 'echo $$ >"$1" && shift && exec timeout "$@"';
// The recorded PID may belong to another process by now: stop it only if it is writing our file.
const STOP = 'pid=$(cat "$1") && grep -qF -e "$2" "/proc/$pid/cmdline" && kill -TERM "$pid"';
const TIMED_OUT = 124;
const NOT_FOUND = 127;

/**
 * Records what crosses `iface` on the host behind `shell` while `during()` runs: tcpdump writes to
 * a temp file on the host, which is read back and parsed. tcpdump is stopped and the files deleted
 * even when `during()` throws.
 */
export async function capture<T>(shell: Shell, options: CaptureOptions, during: () => Promise<T>): Promise<CaptureResult<T>> {
  const { iface, filter = [], maxPackets = 10_000, maxSeconds = 300, snapLength = SNAP_LENGTH } = options;
  if (!Number.isInteger(maxPackets) || maxPackets < 1 || !(maxSeconds > 0)) {
    throw new NetvetError(`capture on ${shell.name}: maxPackets (${maxPackets}) and maxSeconds (${maxSeconds}) must be positive`, 'pass a positive packet count and time limit');
  }
  const dir = (await mustRun(shell, ['mktemp', '-d', '-t', 'netvet-capture.XXXXXXXX'], 'creating a temp directory')).stdout.trim();
  // The directory is removed with rm -rf: make sure it is the one mktemp made.
  if (!/^\/[\w./-]*netvet-capture\.\w+$/.test(dir)) throw new NetvetError(`mktemp on ${shell.name} printed '${dir}', not a temp directory`, 'check the shell of that host for extra output');
  const files = { pcap: `${dir}/capture.pcap`, pid: `${dir}/tcpdump.pid` };
  try {
    const tcpdump = new Tcpdump(shell, files, [
      'sh', '-c', START, 'sh', files.pid, String(maxSeconds),
      'tcpdump', '-i', iface, '-n', '-U', '--immediate-mode', '-s', String(snapLength), '-c', String(maxPackets), '-w', files.pcap,
      ...(filter.length ? ['--', ...filter] : []),
    ], maxSeconds);
    let exitedEarly: ExecResult | undefined;
    let result: T;
    try {
      await waitUntilWriting(shell, files.pcap, tcpdump, iface);
      result = await during();
      await waitUntilQuiet(shell, files.pcap, tcpdump);
      exitedEarly = tcpdump.exit;
    } finally {
      await tcpdump.stop();
    }
    const stoppedEarly = exitedEarly && earlyStopReason(shell, exitedEarly);
    const data = await mustRun(shell, ['base64', '-w0', files.pcap], 'reading the capture back');
    const packets = parseCapture(Buffer.from(data.stdout, 'base64'), `${shell.name}:${files.pcap}`);
    const dropped = /(\d+) packets? dropped by kernel/.exec(tcpdump.exit?.stderr ?? '');
    return { packets, result, stoppedEarly, droppedByKernel: dropped ? Number(dropped[1]) : undefined };
  } finally {
    await shell.exec(['rm', '-rf', '--', dir], { timeoutMs: COMMAND_MS });
  }
}

/** tcpdump running through one long exec, which returns when tcpdump ends. */
class Tcpdump {
  private outcome?: { exit: ExecResult } | { error: unknown };
  private readonly ended: Promise<void>;

  constructor(
    private readonly shell: Shell,
    private readonly files: { pcap: string; pid: string },
    argv: string[],
    maxSeconds: number,
  ) {
    this.ended = shell.exec(argv, { timeoutMs: (maxSeconds + 30) * 1000 }).then(
      (exit) => void (this.outcome = { exit }),
      (error: unknown) => void (this.outcome = { error }),
    );
  }

  get running(): boolean {
    return this.outcome === undefined;
  }

  /** How tcpdump ended, if it has; throws what broke the exec itself (a lost connection). */
  get exit(): ExecResult | undefined {
    if (this.outcome && 'error' in this.outcome) throw this.outcome.error;
    return this.outcome?.exit;
  }

  async stop(): Promise<void> {
    if (this.running) await this.shell.exec(['sh', '-c', STOP, 'sh', this.files.pid, this.files.pcap], { timeoutMs: COMMAND_MS });
    await this.ended;
  }
}

async function waitUntilWriting(shell: Shell, pcap: string, tcpdump: Tcpdump, iface: string): Promise<void> {
  const deadline = Date.now() + START_LIMIT_MS;
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    // tcpdump writes the 24-byte file header once the capture socket is open and filtered.
    if (((await fileSize(shell, pcap)) ?? 0) >= 24) return;
    const exit = tcpdump.exit;
    if (exit) throw startFailure(shell, exit, iface);
    if (Date.now() > deadline) {
      throw new NetvetError(`tcpdump on ${shell.name} did not start capturing on ${iface} within ${START_LIMIT_MS / 1000} s`, `run 'tcpdump -i ${iface}' on ${shell.name} by hand to see why`);
    }
    await delay(pause);
  }
}

async function waitUntilQuiet(shell: Shell, pcap: string, tcpdump: Tcpdump): Promise<void> {
  const deadline = Date.now() + QUIET_LIMIT_MS;
  let size = await fileSize(shell, pcap);
  while (tcpdump.running && Date.now() < deadline) {
    await delay(QUIET_MS);
    const now = await fileSize(shell, pcap);
    if (now === size) return;
    size = now;
  }
}

async function fileSize(shell: Shell, path: string): Promise<number | undefined> {
  const stat = await shell.exec(['stat', '-c', '%s', '--', path], { timeoutMs: COMMAND_MS });
  return stat.code === 0 ? Number(stat.stdout.trim()) : undefined;
}

function startFailure(shell: Shell, exit: ExecResult, iface: string): NetvetError {
  if (exit.code === NOT_FOUND && exit.stderr.includes('tcpdump')) {
    return new NetvetError(`tcpdump is not installed on ${shell.name}`, `install it on that host: apt-get install tcpdump (or dnf install tcpdump)`);
  }
  return new NetvetError(
    `tcpdump on ${shell.name} could not capture on ${iface} (exit ${exit.code}): ${lastLines(exit.stderr)}`,
    `check the interface (ip link on ${shell.name}) and the filter words`,
  );
}

function earlyStopReason(shell: Shell, exit: ExecResult): 'maxPackets' | 'maxSeconds' {
  if (exit.code === TIMED_OUT) return 'maxSeconds';
  if (exit.code === 0) return 'maxPackets';
  throw new NetvetError(`tcpdump on ${shell.name} stopped during the capture (exit ${exit.code}): ${lastLines(exit.stderr)}`, 'check that the interface still exists and the host has disk space in its temp directory');
}

async function mustRun(shell: Shell, argv: string[], what: string): Promise<ExecResult> {
  const result = await shell.exec(argv, { timeoutMs: COMMAND_MS });
  if (result.code !== 0) {
    throw new NetvetError(`${what} on ${shell.name} failed (exit ${result.code}): ${lastLines(result.stderr || result.stdout)}`, `run '${argv.join(' ')}' on ${shell.name} to see why`);
  }
  return result;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-2).join(' | ');
}
