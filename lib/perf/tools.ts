import type { Shell } from '../access';
import { NetvetError } from '../util/errors';

/**
 * The measuring tools, run inside workloads through their Shell: iperf3 (throughput, retransmits,
 * UDP loss and jitter, from its --json report), ping at a fine interval (per-packet round trips),
 * sockperf ping-pong over TCP (request/response round trips and the transaction rate).
 */

/** What one iperf3 run reports. */
export interface IperfResult {
  bitsPerSecond: number;
  retransmits: number;
  /** UDP only: lost datagrams, in percent, and jitter in milliseconds. */
  lossPercent?: number;
  jitterMs?: number;
}

export interface IperfRun {
  address: string;
  port: number;
  seconds: number;
  streams?: number;
  /** UDP at this offered rate (iperf3 -b, e.g. `200M`); TCP when absent. */
  udpRate?: string;
}

function iperfArgv(run: IperfRun): string[] {
  const argv = ['iperf3', '--json', '-c', run.address, '-p', String(run.port), '-t', String(run.seconds), '-P', String(run.streams ?? 1)];
  return run.udpRate ? [...argv, '-u', '-b', run.udpRate] : argv;
}

interface IperfJson {
  error?: string;
  end?: {
    sum_sent?: { bits_per_second: number; retransmits?: number };
    sum_received?: { bits_per_second: number };
    sum?: { bits_per_second: number; lost_percent?: number; jitter_ms?: number };
  };
}

/** Parses iperf3's --json report: TCP figures are what the receiver got, UDP's what arrived. */
function parseIperf(stdout: string, udp: boolean): IperfResult {
  let report: IperfJson;
  try {
    report = JSON.parse(stdout) as IperfJson;
  } catch {
    throw new Error(`iperf3 printed no JSON report: ${stdout.trim().slice(0, 200) || '(nothing)'}`);
  }
  if (report.error) throw new Error(`iperf3: ${report.error}`);
  const end = report.end ?? {};
  if (udp) {
    const sum = end.sum;
    if (!sum) throw new Error('iperf3 report has no UDP summary (end.sum)');
    const lossPercent = sum.lost_percent ?? 0;
    return { bitsPerSecond: sum.bits_per_second * (1 - lossPercent / 100), retransmits: 0, lossPercent, jitterMs: sum.jitter_ms ?? 0 };
  }
  if (!end.sum_received || !end.sum_sent) throw new Error('iperf3 report has no TCP summary (end.sum_received)');
  return { bitsPerSecond: end.sum_received.bits_per_second, retransmits: end.sum_sent.retransmits ?? 0 };
}

/**
 * One iperf3 client run. An iperf3 server takes a moment to clear the test before a back-to-back
 * one and answers "busy" meanwhile: that answer is retried, anything else is an error.
 */
export async function runIperf(client: Shell, run: IperfRun): Promise<IperfResult> {
  for (let attempt = 1; ; attempt++) {
    const result = await client.exec(iperfArgv(run), { timeoutMs: (run.seconds + 20) * 1000 });
    if (attempt < 10 && /server is busy/.test(result.stdout)) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      continue;
    }
    return parseIperf(result.stdout, run.udpRate !== undefined);
  }
}

/** Round trips of `count` pings sent every `intervalS` seconds, in milliseconds (lost ones left out). */
export async function pingRoundTrips(client: Shell, address: string, count: number, intervalS: number): Promise<number[]> {
  const result = await client.exec(['ping', '-n', '-i', String(intervalS), '-c', String(count), '-W', '1', address], { timeoutMs: (count * intervalS + 15) * 1000 });
  const times = [...result.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1]));
  if (!times.length) throw new Error(`no ping reply from ${address}: ${(result.stderr || result.stdout).trim().split('\n').pop()}`);
  return times;
}

/** What a sockperf TCP ping-pong run reports: round trips in milliseconds and transactions per second. */
export interface RequestResponse {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  transactionsPerSecond: number;
}

function parseSockperf(output: string): RequestResponse {
  const usec = (label: string) => {
    const match = output.match(new RegExp(`---> ${label}\\s*=\\s*([\\d.]+)`));
    if (!match) throw new Error(`sockperf printed no ${label}: ${output.trim().split('\n').slice(-3).join(' | ')}`);
    return Number(match[1]) / 1000;
  };
  const valid = output.match(/\[Valid Duration\] RunTime=([\d.]+) sec; SentMessages=\d+; ReceivedMessages=(\d+)/);
  if (!valid) throw new Error(`sockperf printed no valid duration: ${output.trim().split('\n').slice(-3).join(' | ')}`);
  return { p50: usec('percentile 50.000'), p90: usec('percentile 90.000'), p99: usec('percentile 99.000'), max: usec('<MAX> observation'), transactionsPerSecond: Number(valid[2]) / Number(valid[1]) };
}

export async function runSockperf(client: Shell, address: string, port: number, seconds: number): Promise<RequestResponse> {
  const result = await client.exec(['sockperf', 'ping-pong', '--tcp', '-i', address, '-p', String(port), '-t', String(seconds), '--full-rtt'], { timeoutMs: (seconds + 20) * 1000 });
  return parseSockperf(result.stdout + result.stderr);
}

/** Servers of one measured path, each stopped by its PID. */
export interface Servers {
  stop(): Promise<void>;
}

/**
 * Starts, in the server's place, an iperf3 server on each of `iperfPorts` (daemonized, PID in a
 * file) and a sockperf TCP server on `sockperfPort` (in the background, PID echoed), all listening
 * on every address so a floating IP's DNAT reaches them too.
 */
export async function startServers(server: Shell, iperfPorts: readonly number[], sockperfPort: number): Promise<Servers> {
  const dir = (await server.exec(['mktemp', '-d', '/tmp/netvet-perf.XXXXXX'])).stdout.trim();
  const pids: string[] = [];
  const stop = async () => {
    // awk, not cat: iperf3 writes its PID with no newline, and cat would run them together.
    const fromFiles = await server.exec(['sh', '-c', `awk '{ print }' ${dir}/*.pid 2>/dev/null`]);
    const all = [...pids, ...fromFiles.stdout.split(/\s+/)].filter((p) => /^\d+$/.test(p));
    if (all.length) await server.exec(['kill', ...all]);
    await server.exec(['rm', '-rf', dir]);
  };
  try {
    for (const port of iperfPorts) {
      const started = await server.exec(['iperf3', '-s', '-D', '-p', String(port), '-I', `${dir}/iperf3-${port}.pid`]);
      if (started.code !== 0) throw new NetvetError(`cannot start iperf3 on ${server.name}: ${started.stderr.trim()}`, 'install iperf3 there (`netvet setup` does on the lab)');
    }
    // sockperf keeps its output open when it daemonizes, which would hold the channel: backgrounded by sh instead.
    const sockperf = await server.exec(['sh', '-c', `sockperf server --tcp -i 0.0.0.0 -p ${sockperfPort} </dev/null >/dev/null 2>&1 & echo $!`]);
    if (!/^\d+$/.test(sockperf.stdout.trim())) throw new NetvetError(`cannot start sockperf on ${server.name}: ${sockperf.stderr.trim()}`, 'install sockperf there (`netvet setup` does on the lab)');
    pids.push(sockperf.stdout.trim());
    await waitListening(server, [...iperfPorts, sockperfPort]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}

async function waitListening(server: Shell, ports: readonly number[]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const listening = (await server.exec(['ss', '-Htln'])).stdout;
    if (ports.every((port) => new RegExp(`:${port}\\s`).test(listening))) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new NetvetError(`servers on ${server.name} did not listen on ${ports.join(', ')} within 5 s`, 'check that nothing else holds those ports there');
}
