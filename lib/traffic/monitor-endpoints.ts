import type { Shell } from '../access';
import type { Deployment } from '../orchestrators';
import type { TargetHosts } from '../target/hosts';
import { NetvetError } from '../util/errors';
import { endpointResolver } from './endpoints';
import { TrafficMonitor, type MonitorKind, type MonitorPlacement } from './monitor';
import { probeUntilOk } from './probe';

/** Workloads echo lines on TCP 7 (lib/traffic/agents/responder.py). */
const TCP_ECHO_PORT = 7;

export interface MonitorOptions {
  intervalMs?: number;
  port?: number;
  maxSeconds?: number;
  /** A negative control: the path should answer nothing, so it is not required to answer first. */
  negativeControl?: boolean;
}

/**
 * The shells a monitor between two named endpoints needs: the source, and for UDP the far end
 * where the reflector runs (`far`: the destination itself, or the workload behind a floating IP).
 */
export function monitorEnds(deployment: Deployment, hosts: TargetHosts, from: string, to: string): { source: Shell; address: string; far?: string; reflector?: Shell } {
  const endpoint = endpointResolver(deployment, hosts);
  const source = endpoint(from);
  if (!source.shell) throw new NetvetError(`'${from}' cannot send monitor traffic`, 'start monitors from a workload, a target host or the runner');
  const destination = endpoint(to);
  const far = destination.shell ? to : destination.answersAs;
  return { source: source.shell, address: destination.address, far, reflector: far ? endpoint(far).shell : undefined };
}

/**
 * Starts background traffic `from` -> `to` (names as in reachability matrices: vm1, fip1, runner,
 * ext1) once the path answers a ping, so an outage it reports is one the fault caused, not a
 * network still converging after the build.
 */
export async function monitorBetween(deployment: Deployment, hosts: TargetHosts, from: string, to: string, kind: MonitorKind, options: MonitorOptions = {}): Promise<TrafficMonitor> {
  const { source, address, reflector } = monitorEnds(deployment, hosts, from, to);
  const baseline = options.negativeControl ? undefined : await probeUntilOk(source, { kind: 'icmp', address }, 15_000);
  if (baseline && !baseline.ok) throw new NetvetError(`${from} -> ${to} does not answer before the fault (${baseline.error}), so no outage could be measured on it`, `check the path first: ${baseline.repro}`);
  return TrafficMonitor.start(
    source,
    { label: `${from} -> ${to} ${kind}`, kind, address, port: kind === 'tcp' ? (options.port ?? TCP_ECHO_PORT) : options.port, intervalMs: options.intervalMs, maxSeconds: options.maxSeconds },
    kind === 'udp' ? reflector : undefined,
  );
}

/**
 * A monitor started earlier (another process), found again by its source and the far end its
 * reflector runs on, both by name: the far end is not looked up through the destination again,
 * since whatever the monitor watched (a floating IP binding, say) may have changed meanwhile.
 */
export function reattachMonitor(deployment: Deployment, hosts: TargetHosts, from: string, far: string | undefined, placement: MonitorPlacement): TrafficMonitor {
  const endpoint = endpointResolver(deployment, hosts);
  const source = endpoint(from).shell;
  if (!source) throw new NetvetError(`'${from}' cannot run a monitor`, 'the state file names another source than the one that started it');
  return TrafficMonitor.attach(source, placement, placement.reflectorDir && far ? endpoint(far).shell : undefined);
}
