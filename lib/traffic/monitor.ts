import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Shell } from '../access';
import { NetvetError } from '../util/errors';

const AGENT = readFileSync(new URL('./agents/monitor.py', import.meta.url), 'utf8');

export type MonitorKind = 'icmp' | 'udp' | 'tcp';

export interface MonitorSpec {
  /** How the report names it, e.g. `runner -> fip1 icmp`. */
  label: string;
  kind: MonitorKind;
  address: string;
  /** tcp: a port that echoes lines (workloads: 7); udp: chosen by the reflector. */
  port?: number;
  /** Time between probes; 10 ms resolves an outage to about 10 ms. */
  intervalMs?: number;
  /** A probe still unanswered this long after sending ends is lost. */
  replyTimeoutMs?: number;
  /** The agent stops by itself after this long, so a forgotten monitor cannot run for ever. */
  maxSeconds?: number;
}

export interface Outage {
  /** Epoch ms (the source host's clock) when the silence began. */
  at: number;
  ms: number;
}

export interface MonitorReport {
  label: string;
  kind: MonitorKind;
  intervalMs: number;
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
  reordered: number;
  /** tcp: times the stream broke and a new connection was opened. */
  reconnects: number;
  longestOutageMs: number;
  outages: Outage[];
  /** Probes sent in the last second were answered. */
  recovered: boolean;
  rttMs: { avg: number; max: number } | null;
  startedAt: number;
  durationMs: number;
  /** Socket errors seen while sending, with counts. */
  errors: Record<string, number>;
  /** When the first (up to 20) unanswered probes were sent, epoch ms. */
  lostAt: number[];
}

/** Where a running monitor lives on its source (and reflector) host: enough to stop it from another process. */
export interface MonitorPlacement {
  spec: MonitorSpec;
  dir: string;
  reflectorDir?: string;
}

async function must(shell: Shell, argv: string[], what: string): Promise<string> {
  const result = await shell.exec(argv, { timeoutMs: 15_000 });
  if (result.code !== 0) {
    const detail = (result.stderr || result.stdout).trim().split('\n').pop();
    throw new NetvetError(`cannot ${what} on ${shell.name}: ${detail}`, 'python3 must be installed there, and the address reachable');
  }
  return result.stdout;
}

/** Starts the agent detached on `shell`; its directory, or why it did not start. */
async function startAgent(shell: Shell, config: Record<string, unknown>, what: string): Promise<{ dir: string } | { failed: string }> {
  const dir = (await must(shell, ['mktemp', '-d', '/tmp/netvet-monitor.XXXXXX'], what)).trim();
  const started = await shell.exec(['python3', '-c', AGENT, JSON.stringify({ ...config, dir })], { timeoutMs: 15_000 });
  if (started.code === 0) return { dir };
  await shell.exec(['rm', '-rf', dir]);
  return { failed: (started.stderr || started.stdout).trim().split('\n').pop() ?? `exit ${started.code}` };
}

/** Ends an agent (SIGTERM) and removes its directory; returns its result file, if it wrote one. */
async function endAgent(shell: Shell, dir: string, waitForResult: boolean, withinMs: number): Promise<string | undefined> {
  await shell.exec(['sh', '-c', 'kill -TERM "$(cat "$1/pid")" 2>/dev/null; true', 'sh', dir]);
  const deadline = Date.now() + withinMs;
  let result: string | undefined;
  while (waitForResult) {
    const read = await shell.exec(['cat', `${dir}/result.json`]);
    if (read.code === 0) {
      result = read.stdout;
      break;
    }
    if (Date.now() > deadline) break;
    await sleep(100);
  }
  await shell.exec(['rm', '-rf', dir]);
  return result;
}

/**
 * Background traffic that runs across a fault: probes at a fine interval from `source` (a workload,
 * a host, the runner) and, at the end, sent / lost / longest outage / reordered / duplicated. The
 * agent runs detached on the source, so a monitor outlives the process that started it (the
 * upgrade tier stops it in a later phase through its placement).
 */
export class TrafficMonitor {
  private stopped = false;

  private constructor(
    readonly source: Shell,
    readonly placement: MonitorPlacement,
    private readonly reflector?: Shell,
  ) {}

  /** Starts one; a UDP monitor first starts a reflector on `reflector` (the far end's shell). */
  static async start(source: Shell, spec: MonitorSpec, reflector?: Shell): Promise<TrafficMonitor> {
    const intervalMs = spec.intervalMs ?? 10;
    const config = { intervalMs, replyTimeoutMs: spec.replyTimeoutMs ?? 1000, maxSeconds: spec.maxSeconds ?? 900 };
    let port = spec.port;
    let reflectorDir: string | undefined;
    if (spec.kind === 'udp') {
      if (!reflector) throw new NetvetError(`UDP monitor ${spec.label} needs a shell at its far end`, 'monitor UDP towards a workload, a host or a floating IP of a workload');
      for (let attempt = 0; attempt < 5 && !reflectorDir; attempt++) {
        port = 20_000 + Math.floor(Math.random() * 40_000);
        const started = await startAgent(reflector, { kind: 'reflect', port, maxSeconds: config.maxSeconds + 60 }, 'start a UDP reflector');
        if ('dir' in started) reflectorDir = started.dir;
        else if (!/in use/.test(started.failed)) throw new NetvetError(`cannot start a UDP reflector on ${reflector.name}: ${started.failed}`, 'python3 must be installed there');
      }
      if (!reflectorDir) throw new NetvetError(`no free UDP port for a reflector on ${reflector.name}`, 'retry; the host has many listeners');
    }
    if (spec.kind === 'tcp' && !port) throw new NetvetError(`TCP monitor ${spec.label} needs a port that echoes lines`, 'use port 7 of a workload');
    const full = { ...spec, port, intervalMs, replyTimeoutMs: config.replyTimeoutMs, maxSeconds: config.maxSeconds };
    const started = await startAgent(source, { kind: spec.kind, address: spec.address, port, ...config }, `start monitor ${spec.label}`);
    if ('dir' in started) return new TrafficMonitor(source, { spec: full, dir: started.dir, reflectorDir }, reflector);
    if (reflector && reflectorDir) await endAgent(reflector, reflectorDir, false, 0);
    throw new NetvetError(`cannot start monitor ${spec.label} on ${source.name}: ${started.failed}`, `check that ${spec.address} answers ${spec.kind}${port ? ` on port ${port}` : ''} before the fault, and that python3 is installed on the source`);
  }

  /** A monitor started elsewhere (an earlier phase), found again through its placement. */
  static attach(source: Shell, placement: MonitorPlacement, reflector?: Shell): TrafficMonitor {
    return new TrafficMonitor(source, placement, reflector);
  }

  get label(): string {
    return this.placement.spec.label;
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Stops probing, waits for the stragglers and returns the report; removes every file it made. */
  async stop(): Promise<MonitorReport> {
    this.stopped = true;
    const { spec, dir, reflectorDir } = this.placement;
    const text = await endAgent(this.source, dir, true, (spec.replyTimeoutMs ?? 1000) + 10_000);
    if (this.reflector && reflectorDir) await endAgent(this.reflector, reflectorDir, false, 0);
    if (!text) throw new NetvetError(`monitor ${spec.label} on ${this.source.name} ended without a result`, `look for a python3 traceback by running the agent by hand: python3 lib/traffic/agents/monitor.py '{"kind":"${spec.kind}",...}'`);
    return { label: spec.label, kind: spec.kind, intervalMs: spec.intervalMs ?? 10, ...(JSON.parse(text) as Omit<MonitorReport, 'label' | 'kind' | 'intervalMs'>) };
  }
}
