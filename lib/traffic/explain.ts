import type { Deployment, Orchestrator } from '../orchestrators/types';
import type { Evidence, ExplainedFlow, Sdn } from '../sdn/types';
import type { TargetHosts } from '../target/hosts';
import { describeError, NetvetError } from '../util/errors';
import { endpointResolver } from './endpoints';
import { parseFlow, type Endpoint, type FlowName, type MatrixOptions } from './matrix';
import { probe, type ProbeKind, type ProbeResult } from './probe';

/** A flow between two endpoints, as an SDN's `explain` takes it. */
export function explainedFlow(from: Endpoint, to: Endpoint, flow: { kind: ProbeKind; port?: number }, observed?: boolean): ExplainedFlow {
  return {
    from: from.name,
    to: to.name,
    ...flow,
    sourceAddress: from.address,
    destinationAddress: to.address,
    ...(observed === undefined ? {} : { observed: observed ? 'allow' : 'deny' }),
  };
}

/** The SDN under a target and the driver that built on it: together they can say why a flow lived or died. */
export interface Explainers {
  sdn: Sdn;
  orchestrator: Orchestrator;
}

/**
 * The datapath's account of a flow, drift first: when the SDN no longer holds what the deployment
 * asked for (an ACL deleted, a NAT rule gone, a chassis on another encapsulation), that is the
 * verdict, and the trace follows it; a drift check that fails never hides the trace.
 */
export async function explainFlow({ sdn, orchestrator }: Explainers, deployment: Deployment, flow: ExplainedFlow): Promise<Evidence> {
  const [drift, evidence] = await Promise.all([
    sdn.drift(deployment, orchestrator).catch((error: unknown) => [`(drift not checked: ${describeError(error)})`]),
    sdn.explain ? sdn.explain(deployment, flow, orchestrator) : Promise.resolve(undefined),
  ]);
  const drifted = drift.filter((d) => !d.startsWith('(drift not checked'));
  if (!evidence) {
    if (!drifted.length) throw new NetvetError(`the ${sdn.name} SDN cannot trace flows`, 'trust the probe and read the reachability matrix');
    return { verdict: `drift: ${drifted.join('; ')}`, path: drift, details: [] };
  }
  if (!drifted.length) return drift.length ? { ...evidence, path: [...evidence.path, ...drift] } : evidence;
  return { verdict: `drift: ${drifted.join('; ')}; the datapath: ${evidence.verdict}`, path: [...drifted.map((d) => `drift: ${d}`), ...evidence.path], details: evidence.details };
}

/** The matrix's `explain` option. */
export function cellExplainer(explainers: Explainers, deployment: Deployment): MatrixOptions['explain'] {
  return (cell, from, to) => explainFlow(explainers, deployment, explainedFlow(from, to, parseFlow(cell.flow), cell.observed === 'allow'));
}

export interface ExplainedProbe {
  result: ProbeResult;
  /** Absent when the flow could not be explained (`notExplained` says why). */
  evidence?: Evidence;
  notExplained?: string;
}

/** Explains a flow whose probe already ran; an explanation that fails says why instead. */
export async function explainProbe(explainers: Explainers, deployment: Deployment, from: Endpoint, to: Endpoint, flow: { kind: ProbeKind; port?: number }, result: ProbeResult): Promise<ExplainedProbe> {
  try {
    return { result, evidence: await explainFlow(explainers, deployment, explainedFlow(from, to, flow, result.ok)) };
  } catch (error) {
    // As the CLI prints errors: a NetvetError keeps its place and its fix.
    return { result, notExplained: describeError(error) };
  }
}

/** `netvet explain`: one probe between two named endpoints of a deployment, and the datapath's account of it. */
export async function probeAndExplain(explainers: Explainers, hosts: TargetHosts, deployment: Deployment, fromName: string, toName: string, flowName: FlowName, timeoutS = 2): Promise<ExplainedProbe> {
  const endpoint = endpointResolver(deployment, hosts);
  const [from, to, flow] = [endpoint(fromName), endpoint(toName), parseFlow(flowName)];
  if (!from.shell) throw new NetvetError(`'${fromName}' cannot send probes`, 'use a workload, the runner or a host as a source');
  const result = await probe(from.shell, { ...flow, address: to.address }, timeoutS);
  return explainProbe(explainers, deployment, from, to, flow, result);
}

/** The evidence as text: the verdict, the path, then each raw part under its name. */
export function formatEvidence(evidence: Evidence): string {
  return [
    `why: ${evidence.verdict}`,
    'path:',
    ...evidence.path.map((step) => `  ${step}`),
    ...evidence.details.flatMap((d) => ['', `--- ${d.name} ---`, d.body.trimEnd()]),
  ].join('\n');
}

export function formatExplainedProbe(title: string, explained: ExplainedProbe): string {
  const { result } = explained;
  return [
    `${title}: ${result.ok ? 'passes' : 'dropped'}${result.ok ? (result.reply ? ` (reply: ${result.reply})` : '') : ` (${result.error ?? 'no reply'})`}, ${result.ms} ms`,
    `repro: ${result.repro}`,
    explained.evidence ? formatEvidence(explained.evidence) : `why: not explained: ${explained.notExplained}`,
  ].join('\n');
}
