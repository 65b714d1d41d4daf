import { describeError } from '../util/errors';
import { parseFlow, type Endpoint, type FlowName, type MatrixSpec, type Verdict } from './matrix';
import { probeUntilOk, type ProbeResult } from './probe';

/**
 * Proof that a destination would have answered a flow that every source in the matrix sees
 * dropped. Without it a deny cell passes just as well when the responder never started.
 */
export interface LivenessProof {
  to: string;
  flow: FlowName;
  /**
   * `alive`: the destination answered itself on its own address and port; `dead`: it did not (the
   * matrix is then wrong); `nothing-behind`: netvet runs nothing there (an unbound floating IP, a
   * bare address), so there is no responder whose silence could fake a deny.
   */
  status: 'alive' | 'dead' | 'nothing-behind';
  detail: string;
  repro?: string;
}

/** The (destination, flow) pairs no cell is expected to reach: each needs a liveness proof. */
export function denyOnlyDestinations(spec: MatrixSpec, expected: (from: string, to: string, flow: FlowName) => Verdict): Array<{ to: string; flow: FlowName }> {
  return spec.to.flatMap((to) =>
    spec.flows
      .filter((flow) => {
        const sources = spec.from.filter((from) => from !== to);
        return sources.length > 0 && sources.every((from) => expected(from, to, flow) === 'deny');
      })
      .map((flow) => ({ to, flow })),
  );
}

/**
 * Probes a destination from inside itself, to its own address and port: the probe never touches
 * the network under test, so it proves the responder (or the kernel, for ICMP) answers, and that
 * the drop the matrix saw was the network's. A floating IP is proven through the workload behind it.
 */
export async function proveAlive(to: string, flow: FlowName, endpoint: (name: string) => Endpoint): Promise<LivenessProof> {
  let owner: Endpoint;
  try {
    const destination = endpoint(to);
    owner = destination.shell ? destination : destination.answersAs ? endpoint(destination.answersAs) : destination;
  } catch (error) {
    return { to, flow, status: 'dead', detail: `cannot find what answers for ${to}: ${describeError(error)}` };
  }
  if (!owner.shell) return { to, flow, status: 'nothing-behind', detail: 'no workload behind it, so no responder to prove' };
  const result: ProbeResult = await probeUntilOk(owner.shell, { ...parseFlow(flow), address: owner.address }, 3_000);
  const answeredBy = result.reply?.startsWith('SSH-') ? undefined : result.reply?.split(' ')[0];
  const impostor = result.ok && owner.answersAs && answeredBy && answeredBy !== owner.answersAs;
  const via = owner.name === to ? 'itself' : `${owner.name}, behind it`;
  if (!result.ok || impostor) {
    const why = impostor ? `answered by ${answeredBy}` : result.error ?? 'no answer';
    return { to, flow, status: 'dead', detail: `does not answer ${via} on ${owner.address} (${why}): its deny cells prove nothing`, repro: result.repro };
  }
  return { to, flow, status: 'alive', detail: `answered ${via} on ${owner.address}${answeredBy ? ` as ${answeredBy}` : ''} in ${result.ms} ms`, repro: result.repro };
}

export function formatLiveness(proofs: LivenessProof[]): string {
  if (!proofs.length) return '';
  const lines = proofs.map((p) => `  ${p.status === 'dead' ? 'DEAD ' : p.status === 'alive' ? 'alive' : 'n/a  '} ${p.to} ${p.flow}: ${p.detail}${p.repro && p.status === 'dead' ? `\n    repro: ${p.repro}` : ''}`);
  const dead = proofs.filter((p) => p.status === 'dead').length;
  return [`destinations only in deny cells, proven alive in the same run${dead ? ` (${dead} DEAD)` : ''}:`, ...lines].join('\n');
}
