import type { Shell } from '../access';
import { describeError, NetvetError } from '../util/errors';
import { denyOnlyDestinations, formatLiveness, proveAlive, type LivenessProof } from './liveness';
import { probe, probeUntilOk, type ProbeKind, type ProbeResult, type ProbeTarget } from './probe';

export type Verdict = 'allow' | 'deny';

/** Something probes start from or go to: a workload, a floating IP, the runner, an external host. */
export interface Endpoint {
  name: string;
  address: string;
  /** Where probes from this endpoint run; absent for endpoints that are only destinations (a floating IP). */
  shell?: Shell;
  /** The hostname its responder answers with, when a reply can prove who answered. */
  answersAs?: string;
}

/** `icmp`, `tcp/22`, `udp/7`, `http` (port 80) or `http/8080`. */
export type FlowName = string;

export interface ExpectationRule {
  from?: string | string[];
  to?: string | string[];
  flow?: FlowName | FlowName[];
  verdict: Verdict;
}

/**
 * A reachability truth table: every source x destination x flow, expected verdicts from the first
 * matching rule (omitted fields match everything), else `otherwise`.
 */
export interface MatrixSpec {
  from: string[];
  to: string[];
  flows: FlowName[];
  expect: ExpectationRule[];
  otherwise: Verdict;
}

export interface Cell {
  from: string;
  to: string;
  flow: FlowName;
  expected: Verdict;
  observed: Verdict;
  result: ProbeResult;
  /** Why an allowed cell is still wrong: the wrong host answered. */
  note?: string;
  /** For a wrong cell, what the datapath says decided it (when the target can explain flows). */
  evidence?: CellEvidence;
}

/** The datapath's account of one flow: the deciding stage in one line, and raw material for the report. */
export interface CellEvidence {
  verdict: string;
  details: Array<{ name: string; body: string }>;
}

export interface MatrixResult {
  cells: Cell[];
  wrong: Cell[];
  /** One proof per destination and flow that only deny cells go to: a silent responder would fake those denies. */
  liveness: LivenessProof[];
  /** The proofs that failed: the matrix is wrong when any did. */
  dead: LivenessProof[];
  /** Expected, observed and diff tables, one repro line per wrong cell, then the liveness proofs. */
  report: string;
}

export function parseFlow(flow: FlowName): { kind: ProbeKind; port?: number } {
  const [kind, port] = flow.split('/');
  if (kind === 'icmp' && port === undefined) return { kind };
  if ((kind === 'tcp' || kind === 'udp' || kind === 'http') && (port !== undefined || kind === 'http')) {
    const number = port === undefined ? 80 : Number(port);
    if (Number.isInteger(number) && number > 0 && number < 65536) return { kind, port: number };
  }
  throw new NetvetError(`'${flow}' is not a flow`, "write icmp, tcp/<port>, udp/<port> or http[/<port>]");
}

const matches = (value: string, pattern: string | string[] | undefined) =>
  pattern === undefined || pattern === '*' || (Array.isArray(pattern) ? pattern.includes(value) : pattern === value);

export function expectedVerdict(spec: MatrixSpec, from: string, to: string, flow: FlowName): Verdict {
  return spec.expect.find((r) => matches(from, r.from) && matches(to, r.to) && matches(flow, r.flow))?.verdict ?? spec.otherwise;
}

/** Runs `tasks` with at most `limit` at a time (a pooled SSH connection has a channel budget). */
async function limited<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]();
      }
    }),
  );
  return results;
}

export interface MatrixOptions {
  /** How long a flow expected to pass may take to start passing (convergence). */
  convergeMs?: number;
  concurrency?: number;
  /** Explains a wrong cell from the datapath (an orchestrator's `explain`); its verdict goes below the repro line. */
  explain?: (cell: Cell, from: Endpoint, to: Endpoint) => Promise<CellEvidence>;
}

/**
 * Probes every cell concurrently. A cell expected to pass is retried until it passes or
 * `convergeMs` runs out; a cell expected to be dropped is probed once with a short timeout.
 */
export async function runMatrix(spec: MatrixSpec, endpoint: (name: string) => Endpoint, options: MatrixOptions = {}): Promise<MatrixResult> {
  const convergeMs = options.convergeMs ?? 10_000;
  const expected = (from: string, to: string, flow: FlowName) => expectedVerdict(spec, from, to, flow);
  // In the same run as the cells: a responder that died or never started fails this run, not a later one.
  const liveness = Promise.all(denyOnlyDestinations(spec, expected).map(({ to, flow }) => proveAlive(to, flow, endpoint)));
  // Awaited below; should a cell throw first, its error is the one reported, not an unhandled rejection.
  liveness.catch(() => undefined);
  const plan = spec.from.flatMap((from) => spec.to.filter((to) => to !== from).flatMap((to) => spec.flows.map((flow) => ({ from, to, flow }))));
  const cells = await limited(
    plan.map(({ from, to, flow }) => async (): Promise<Cell> => {
      const source = endpoint(from);
      const destination = endpoint(to);
      if (!source.shell) throw new NetvetError(`'${from}' cannot send probes`, 'use a workload, the runner or a host as a source');
      const target: ProbeTarget = { ...parseFlow(flow), address: destination.address };
      const expected = expectedVerdict(spec, from, to, flow);
      const result = expected === 'allow' ? await probeUntilOk(source.shell, target, convergeMs) : await probe(source.shell, target);
      // Responders answer "<hostname> <source seen>"; an sshd banner names nobody.
      const answeredBy = result.reply?.startsWith('SSH-') ? undefined : result.reply?.split(' ')[0];
      const note = result.ok && destination.answersAs && answeredBy && answeredBy !== destination.answersAs ? `answered by ${answeredBy}, not ${destination.answersAs}` : undefined;
      return { from, to, flow, expected, observed: result.ok ? 'allow' : 'deny', result, note };
    }),
    options.concurrency ?? 16,
  );
  const wrong = cells.filter((c) => c.expected !== c.observed || c.note);
  // A few at a time: each explanation reads the whole datapath, and a broken network makes many wrong cells.
  const explain = options.explain;
  if (explain) {
    await limited(
      wrong.map((cell) => async () => {
        cell.evidence = await explain(cell, endpoint(cell.from), endpoint(cell.to)).catch((error: unknown) => ({
          verdict: `not explained: ${describeError(error)}`,
          details: [],
        }));
      }),
      4,
    );
  }
  const proofs = await liveness;
  const dead = proofs.filter((p) => p.status === 'dead');
  return { cells, wrong, liveness: proofs, dead, report: [formatMatrix(spec, cells, wrong), formatLiveness(proofs)].filter(Boolean).join('\n\n') };
}

/** Kubernetes netpol e2e style: `.` passes, `X` is dropped, `-` is the endpoint itself. */
function table(spec: MatrixSpec, flow: FlowName, mark: (from: string, to: string) => string): string {
  const width = Math.max(...[...spec.from, ...spec.to, flow].map((n) => n.length)) + 1;
  const header = flow.padEnd(width) + spec.to.map((t) => t.padEnd(width)).join('');
  const rows = spec.from.map((from) => from.padEnd(width) + spec.to.map((to) => (to === from ? '-' : mark(from, to)).padEnd(width)).join(''));
  return [header, ...rows].join('\n');
}

export function formatMatrix(spec: MatrixSpec, cells: Cell[], wrong: Cell[]): string {
  const at = (from: string, to: string, flow: FlowName) => cells.find((c) => c.from === from && c.to === to && c.flow === flow);
  const sign = (v: Verdict | undefined) => (v === 'allow' ? '.' : 'X');
  const sections = spec.flows.flatMap((flow) => [
    `expected ${table(spec, flow, (f, t) => sign(at(f, t, flow)?.expected))}`,
    `observed ${table(spec, flow, (f, t) => sign(at(f, t, flow)?.observed))}`,
    `diff     ${table(spec, flow, (f, t) => (wrong.includes(at(f, t, flow)!) ? '!' : ' '))}`,
  ]);
  const lines = wrong.map((c) => {
    const why = c.note ?? `expected ${c.expected}, observed ${c.observed}${c.result.error ? ` (${c.result.error})` : ''}`;
    return `  ${c.from} -> ${c.to} ${c.flow}: ${why}\n    repro: ${c.result.repro}${c.evidence ? `\n    why: ${c.evidence.verdict}` : ''}`;
  });
  const summary = `${cells.length - wrong.length}/${cells.length} cells as expected`;
  return [summary, ...sections, ...(lines.length ? ['wrong cells:', ...lines] : [])].join('\n\n');
}
