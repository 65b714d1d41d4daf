import type { Shell } from '../access';
import { pingRoundTrips, runIperf, runSockperf, startServers, type IperfResult, type Servers } from './tools';

/** One measured path: a client that dials `address`, where `server` answers. */
export interface PerfPath {
  name: string;
  client: Shell;
  server: Shell;
  address: string;
}

export const METRIC_GROUPS = ['tcp', 'udp', 'ping', 'rr'] as const;
export type MetricGroup = (typeof METRIC_GROUPS)[number];

/** How much to measure; the defaults give medians of 3 in about a minute per path on a busy 2-core lab. */
export interface MeasurePlan {
  groups: readonly MetricGroup[];
  /** Each iperf3 and sockperf run, in seconds. */
  seconds: number;
  /** Repetitions: every figure is the median of this many, with min and max. */
  repeat: number;
  /** Parallel TCP streams of one iperf3 client (`tcp.streams.bps`); 1 leaves the figure out. */
  streams: number;
  /** Concurrency sweep: this many client/server pairs at once (`tcp.pairs.<n>.bps`); 1 is `tcp.bps`. */
  pairs: readonly number[];
  /** Offered UDP rate (iperf3 -b). */
  udpRate: string;
  pings: number;
  pingIntervalS: number;
}

export const DEFAULT_PLAN: MeasurePlan = { groups: METRIC_GROUPS, seconds: 2, repeat: 3, streams: 4, pairs: [1, 2, 4], udpRate: '200M', pings: 200, pingIntervalS: 0.002 };

/** A figure: the median of its samples, with their min and max. */
export interface Figure {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

/** A path's figures beside the reference path's, measured in the same run, and their ratios (path / reference). */
export interface PathFigures {
  path: string;
  figures: Record<string, Figure>;
  reference: Record<string, Figure>;
  /** Only where the reference's median is not 0 (retransmits and loss often are). */
  ratio: Record<string, number>;
  /** Ping round trips of the last repetition (ms), for the latency CDF. */
  pingRoundTrips: { path: number[]; reference: number[] };
}

export const IPERF_BASE_PORT = 5201;
export const SOCKPERF_PORT = 11111;

type Samples = Record<string, number[]>;

/**
 * Measures every path and the reference path, repetition by repetition (the reference first in
 * each), so a machine that slows down mid-run slows both alike and the ratios hold.
 */
export async function measurePaths(paths: readonly PerfPath[], reference: PerfPath, plan: MeasurePlan, progress: (line: string) => void = () => undefined): Promise<PathFigures[]> {
  const all = [reference, ...paths];
  const servers = await startAllServers(all, plan);
  try {
    const samples = new Map<string, Samples>(all.map((p) => [p.name, {}]));
    const pings = new Map<string, number[]>();
    for (let rep = 1; rep <= plan.repeat; rep++) {
      for (const path of all) {
        progress(`repetition ${rep}/${plan.repeat}: ${path.name}`);
        const { figures, pingRoundTrips } = await measureOnce(path, plan);
        const into = samples.get(path.name)!;
        for (const [metric, value] of Object.entries(figures)) (into[metric] ??= []).push(value);
        if (pingRoundTrips) pings.set(path.name, pingRoundTrips);
      }
    }
    const referenceFigures = summarize(samples.get(reference.name)!);
    return paths.map((path) => {
      const figures = summarize(samples.get(path.name)!);
      const ratio = Object.fromEntries(
        Object.entries(figures)
          .filter(([metric]) => referenceFigures[metric]?.median)
          .map(([metric, figure]) => [metric, figure.median / referenceFigures[metric].median]),
      );
      return { path: path.name, figures, reference: referenceFigures, ratio, pingRoundTrips: { path: pings.get(path.name) ?? [], reference: pings.get(reference.name) ?? [] } };
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** One set of servers per place: two paths to the same workload share them. */
async function startAllServers(paths: readonly PerfPath[], plan: MeasurePlan): Promise<Servers[]> {
  const iperfPorts = Array.from({ length: Math.max(1, ...plan.pairs) }, (_, i) => IPERF_BASE_PORT + i);
  const places = new Map(paths.map((p) => [p.server.name, p.server]));
  const started: Servers[] = [];
  try {
    for (const server of places.values()) started.push(await startServers(server, iperfPorts, SOCKPERF_PORT));
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    throw error;
  }
  return started;
}

async function measureOnce(path: PerfPath, plan: MeasurePlan): Promise<{ figures: Record<string, number>; pingRoundTrips?: number[] }> {
  const figures: Record<string, number> = {};
  const { client, address, server } = path;
  const iperf = (port: number, extra: { streams?: number; udpRate?: string } = {}) =>
    runIperf(client, { address, port, seconds: plan.seconds, ...extra }).catch((error: Error) => {
      throw new Error(`${path.name}: iperf3 ${client.name} -> ${address}:${port} (server ${server.name}): ${error.message}`);
    });
  let pingSamples: number[] | undefined;
  if (plan.groups.includes('tcp')) {
    for (const pairs of plan.pairs) {
      const runs: IperfResult[] = await Promise.all(Array.from({ length: pairs }, (_, i) => iperf(IPERF_BASE_PORT + i)));
      const bps = runs.reduce((sum, r) => sum + r.bitsPerSecond, 0);
      if (pairs === 1) {
        figures['tcp.bps'] = bps;
        figures['tcp.retransmits'] = runs[0].retransmits;
      } else figures[`tcp.pairs.${pairs}.bps`] = bps;
    }
    if (plan.streams > 1) figures['tcp.streams.bps'] = (await iperf(IPERF_BASE_PORT, { streams: plan.streams })).bitsPerSecond;
  }
  if (plan.groups.includes('udp')) {
    const udp = await iperf(IPERF_BASE_PORT, { udpRate: plan.udpRate });
    Object.assign(figures, { 'udp.bps': udp.bitsPerSecond, 'udp.loss': udp.lossPercent ?? 0, 'udp.jitter': udp.jitterMs ?? 0 });
  }
  if (plan.groups.includes('ping')) {
    pingSamples = await pingRoundTrips(client, address, plan.pings, plan.pingIntervalS);
    const sorted = [...pingSamples].sort((a, b) => a - b);
    Object.assign(figures, { 'ping.p50': percentile(sorted, 50), 'ping.p90': percentile(sorted, 90), 'ping.p99': percentile(sorted, 99), 'ping.max': sorted[sorted.length - 1] });
  }
  if (plan.groups.includes('rr')) {
    const rr = await runSockperf(client, address, SOCKPERF_PORT, plan.seconds);
    Object.assign(figures, { 'rr.p50': rr.p50, 'rr.p90': rr.p90, 'rr.p99': rr.p99, 'rr.max': rr.max, 'rr.rate': rr.transactionsPerSecond });
  }
  return { figures, pingRoundTrips: pingSamples };
}

/** The nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function summarize(samples: Samples): Record<string, Figure> {
  return Object.fromEntries(Object.entries(samples).map(([metric, values]) => [metric, figureOf(values)]));
}

export function figureOf(values: readonly number[]): Figure {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples: [...values] };
}
