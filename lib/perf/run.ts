import type { Deployment } from '../orchestrators';
import type { TargetHosts } from '../target/hosts';
import { endpointResolver } from '../traffic/endpoints';
import { NetvetError } from '../util/errors';
import { measurePaths, type PathFigures, type PerfPath } from './measure';
import { makeReferencePath } from './reference';
import { checkRegressions, lastRuns, resultsDir, storeRun, type RegressionVerdict } from './results';
import { checkSla, formatValue, type PerfSpec, type Verdict } from './sla';

/** A path as a scenario names it: endpoints of the deployment (workloads, floating IPs, hosts). */
export interface PathSpec {
  name: string;
  from: string;
  to: string;
}

/** Shells and address of a named path: a floating IP is served by its workload. */
export function resolvePath(deployment: Deployment, hosts: TargetHosts, spec: PathSpec): PerfPath {
  const endpoint = endpointResolver(deployment, hosts);
  const [from, to] = [endpoint(spec.from), endpoint(spec.to)];
  const server = to.shell ?? (to.answersAs ? deployment.workloads[to.answersAs]?.shell : undefined);
  if (!from.shell || !server) throw new NetvetError(`path ${spec.name}: ${from.shell ? spec.to : spec.from} runs no commands`, 'measure between workloads, floating IPs of workloads, and target hosts');
  return { name: spec.name, client: from.shell, server, address: to.address };
}

export interface PerfOutcome {
  results: PathFigures[];
  sla: Verdict[];
  regressions: RegressionVerdict[];
  /** The stored run's file. */
  file: string;
}

/**
 * The performance check of one scenario: the paths and a reference path (made on the first compute
 * host, removed after) measured in one run; the SLA checked; the run compared with the last stored
 * runs, then stored itself.
 */
export async function runPerformance(
  context: { hosts: TargetHosts; deployment: Deployment; scenario: string; run: string; resultsDir?: string },
  spec: PerfSpec,
  paths: readonly PerfPath[],
  progress?: (line: string) => void,
): Promise<PerfOutcome> {
  const { hosts, deployment, scenario, run } = context;
  const host = hosts.withRole('compute')[0];
  if (!host) throw new NetvetError(`target '${hosts.target.name}' has no compute host for the reference path`, 'give a host the compute role in the target file');
  const reference = await makeReferencePath(hosts.shell(host.name), deployment.prefix);
  let results: PathFigures[];
  try {
    results = await measurePaths(paths, reference.path, spec.plan, progress);
  } finally {
    await reference.remove();
  }
  const target = hosts.target.name;
  const dir = context.resultsDir ?? resultsDir();
  const regressions = spec.regression ? checkRegressions(results, lastRuns(scenario, target, spec.regression.runs, dir), spec.regression.metrics, spec.regression.margin) : [];
  const file = storeRun({ scenario, run, time: new Date().toISOString(), target, plan: spec.plan, paths: results }, dir);
  return { results, sla: checkSla(spec, results), regressions, file };
}

/** Every figure of every path: median (min..max), the reference's median, and the ratio. */
export function figuresTable(results: readonly PathFigures[]): string {
  const rows = [['path', 'figure', 'median', 'min .. max', 'reference', 'ratio']];
  for (const r of results) {
    for (const [metric, figure] of Object.entries(r.figures)) {
      const ref = r.reference[metric];
      rows.push([r.path, metric, formatValue(metric, figure.median), `${formatValue(metric, figure.min)} .. ${formatValue(metric, figure.max)}`, ref ? formatValue(metric, ref.median) : '-', metric in r.ratio ? r.ratio[metric].toFixed(3) : '-']);
    }
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}
