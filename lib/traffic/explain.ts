import type { Deployment, Evidence, ExplainedFlow, Orchestrator } from '../orchestrators/types';
import type { TargetHosts } from '../target/hosts';
import { describeError, NetvetError } from '../util/errors';
import { endpointResolver } from './endpoints';
import { parseFlow, type Endpoint, type FlowName, type MatrixOptions } from './matrix';
import { probe, type ProbeKind, type ProbeResult } from './probe';

/** A flow between two endpoints, as an orchestrator's `explain` takes it. */
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

/** The matrix's `explain` option, when the orchestrator can explain flows. */
export function cellExplainer(orchestrator: Orchestrator, deployment: Deployment): MatrixOptions['explain'] {
  const explain = orchestrator.explain?.bind(orchestrator);
  if (!explain) return undefined;
  return (cell, from, to) => explain(deployment, explainedFlow(from, to, parseFlow(cell.flow), cell.observed === 'allow'));
}

export interface ExplainedProbe {
  result: ProbeResult;
  /** Absent when the orchestrator cannot explain flows or this one (`notExplained` says why). */
  evidence?: Evidence;
  notExplained?: string;
}

/** Explains a flow whose probe already ran; an explanation that fails says why instead. */
export async function explainProbe(orchestrator: Orchestrator, deployment: Deployment, from: Endpoint, to: Endpoint, flow: { kind: ProbeKind; port?: number }, result: ProbeResult): Promise<ExplainedProbe> {
  if (!orchestrator.explain) return { result, notExplained: `the ${orchestrator.name} orchestrator cannot explain flows` };
  try {
    return { result, evidence: await orchestrator.explain(deployment, explainedFlow(from, to, flow, result.ok)) };
  } catch (error) {
    // As the CLI prints errors: a NetvetError keeps its place and its fix.
    return { result, notExplained: describeError(error) };
  }
}

/** `netvet explain`: one probe between two named endpoints of a deployment, and the datapath's account of it. */
export async function probeAndExplain(orchestrator: Orchestrator, hosts: TargetHosts, deployment: Deployment, fromName: string, toName: string, flowName: FlowName, timeoutS = 2): Promise<ExplainedProbe> {
  const endpoint = endpointResolver(deployment, hosts);
  const [from, to, flow] = [endpoint(fromName), endpoint(toName), parseFlow(flowName)];
  if (!from.shell) throw new NetvetError(`'${fromName}' cannot send probes`, 'use a workload, the runner or a host as a source');
  const result = await probe(from.shell, { ...flow, address: to.address }, timeoutS);
  return explainProbe(orchestrator, deployment, from, to, flow, result);
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
