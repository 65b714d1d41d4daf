import { z } from 'zod';
import { readInputFile } from '../util/yaml/read';
import { parseYamlWith } from '../util/yaml/parse';
import { DEFAULT_PLAN, METRIC_GROUPS, type MeasurePlan, type PathFigures } from './measure';

/** What a metric measures, and so the units a condition on it may be written in (values are kept in the first unit). */
const KINDS = {
  throughput: { pattern: /^(tcp|udp)\.(bps|streams\.bps|pairs\.\d+\.bps)$/, units: { 'bit/s': 1, 'kbit/s': 1e3, 'Mbit/s': 1e6, 'Gbit/s': 1e9 }, better: 'higher' },
  latency: { pattern: /^(ping\.(p50|p90|p99|max)|rr\.(p50|p90|p99|max)|udp\.jitter)$/, units: { ms: 1, us: 1e-3, s: 1e3 }, better: 'lower' },
  rate: { pattern: /^rr\.rate$/, units: { '/s': 1 }, better: 'higher' },
  loss: { pattern: /^udp\.loss$/, units: { '%': 1 }, better: 'lower' },
  count: { pattern: /^tcp\.retransmits$/, units: { '': 1 }, better: 'lower' },
} as const;

type Kind = keyof typeof KINDS;

/** Whether more of a metric is better (throughput, rate) or worse (latency, loss); ratios follow their metric. */
export function higherIsBetter(metric: string): boolean {
  const kind = kindOf(metric.replace(/\.ratio$/, ''));
  return kind !== undefined && KINDS[kind].better === 'higher';
}

function kindOf(metric: string): Kind | undefined {
  return (Object.keys(KINDS) as Kind[]).find((k) => KINDS[k].pattern.test(metric));
}

const METRIC_EXAMPLES = 'tcp.bps, tcp.streams.bps, tcp.pairs.4.bps, tcp.retransmits, udp.bps, udp.loss, udp.jitter, ping.p50|p90|p99|max, rr.p50|p90|p99|max, rr.rate; add .ratio for the figure over the reference path';

const OPERATORS = ['>=', '<=', '>', '<'] as const;
type Operator = (typeof OPERATORS)[number];

/** One SLA line, such as `tcp.bps.ratio >= 0.3` or `ping.p99 <= 2ms`. */
export interface Condition {
  text: string;
  metric: string;
  ratio: boolean;
  operator: Operator;
  /** In the metric's base unit (bit/s, ms, /s, %), or a plain number for a ratio. */
  value: number;
}

const CONDITION = /^\s*([a-z0-9.]+)\s*(>=|<=|>|<)\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([A-Za-z/%]*)\s*$/;

/** A condition, or the reason it is not one. */
function parseCondition(text: string): Condition | string {
  const match = text.match(CONDITION);
  if (!match) return `'${text}' is not a condition: write <metric> <op> <value>[unit], op one of ${OPERATORS.join(' ')}`;
  const [, name, operator, number, unit] = match;
  const ratio = name.endsWith('.ratio');
  const metric = ratio ? name.slice(0, -'.ratio'.length) : name;
  const kind = kindOf(metric);
  if (!kind) return `unknown metric '${metric}' (metrics: ${METRIC_EXAMPLES})`;
  if (ratio) return unit ? `a ratio has no unit, found '${unit}'` : { text, metric, ratio, operator: operator as Operator, value: Number(number) };
  const units: Record<string, number> = KINDS[kind].units;
  if (!(unit in units)) return `'${unit || '(none)'}' is no unit of ${metric}: use one of ${Object.keys(units).map((u) => u || '(none)').join(', ')}`;
  return { text, metric, ratio, operator: operator as Operator, value: Number(number) * units[unit] };
}

const conditionSchema = z
  .string()
  .superRefine((text, ctx) => {
    const parsed = parseCondition(text);
    if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
  })
  .describe('write a condition such as `tcp.bps.ratio >= 0.3` or `ping.p99 <= 2ms`');

export const perfSpecSchema = z
  .object({
    measure: z
      .object({
        groups: z.array(z.enum(METRIC_GROUPS)).min(1).optional().describe(`which metrics to measure: ${METRIC_GROUPS.join(', ')}`),
        seconds: z.number().int().min(1).max(60).optional().describe('length of each iperf3 and sockperf run, in seconds'),
        repeat: z.number().int().min(1).max(20).optional().describe('repetitions; each figure is their median'),
        streams: z.number().int().min(1).max(16).optional().describe('parallel TCP streams of one client (tcp.streams.bps)'),
        pairs: z.array(z.number().int().min(1).max(16)).min(1).optional().describe('concurrency sweep: client/server pairs at once, such as [1, 2, 4]'),
        udpRate: z.string().regex(/^\d+[KMG]?$/).optional().describe('offered UDP rate, as iperf3 -b takes it, such as 200M'),
      })
      .strict()
      .optional(),
    sla: z
      .record(z.string(), z.array(conditionSchema))
      .optional()
      .describe("per path name (or '*' for every path): conditions each path's figures must meet"),
    regression: z
      .object({
        runs: z.number().int().min(1).max(50).describe('how many stored runs before this one make the baseline'),
        margin: z.number().min(0).max(10).describe('allowed move beyond the baselines\' own spread, as a fraction of their median'),
        metrics: z.array(z.string()).min(1).describe('the figures watched for regressions, such as tcp.bps.ratio'),
      })
      .strict()
      .optional(),
  })
  .strict();

export interface PerfSpec {
  plan: MeasurePlan;
  sla: Record<string, Condition[]>;
  regression?: { runs: number; margin: number; metrics: string[] };
}

/** Reads the SLA file beside a performance scenario: located errors for anything wrong. */
export async function loadPerfSpec(file: string): Promise<PerfSpec> {
  const text = await readInputFile(file, { name: 'performance SLA', missing: 'write the SLA file beside the scenario (see tests/scenarios/perf/)' });
  return perfSpecOf(text, file);
}

export function perfSpecOf(text: string, file: string): PerfSpec {
  const raw = parseYamlWith(perfSpecSchema, text, file, { name: 'performance SLA', start: 'write at least: sla: { "*": ["tcp.bps.ratio >= 0.3"] }' });
  const sla = Object.fromEntries(Object.entries(raw.sla ?? {}).map(([path, lines]) => [path, lines.map((l) => parseCondition(l) as Condition)]));
  return { plan: { ...DEFAULT_PLAN, ...raw.measure }, sla, regression: raw.regression };
}

/** One condition checked on one path, with the measured value in its message. */
export interface Verdict {
  path: string;
  condition: string;
  pass: boolean;
  message: string;
}

export function checkSla(spec: PerfSpec, results: readonly PathFigures[]): Verdict[] {
  return results.flatMap((result) =>
    [...(spec.sla['*'] ?? []), ...(spec.sla[result.path] ?? [])].map((condition) => {
      const measured = condition.ratio ? result.ratio[condition.metric] : result.figures[condition.metric]?.median;
      const name = `${condition.metric}${condition.ratio ? '.ratio' : ''}`;
      if (measured === undefined) return { path: result.path, condition: condition.text, pass: false, message: `${result.path}: ${name} was not measured (SLA: ${condition.text})` };
      const pass = compare(measured, condition.operator, condition.value);
      return { path: result.path, condition: condition.text, pass, message: `${result.path}: ${name} = ${formatValue(condition.ratio ? `${name}` : condition.metric, measured)} ${pass ? 'meets' : 'breaks'} SLA ${condition.text}` };
    }),
  );
}

function compare(value: number, operator: Operator, bound: number): boolean {
  return operator === '>=' ? value >= bound : operator === '<=' ? value <= bound : operator === '>' ? value > bound : value < bound;
}

/** A value in the unit people read it in: Mbit/s for throughput, ms for latency, 3 digits for ratios. */
export function formatValue(metric: string, value: number): string {
  if (metric.endsWith('.ratio')) return value.toPrecision(3);
  const kind = kindOf(metric);
  if (kind === 'throughput') return `${(value / 1e6).toFixed(1)} Mbit/s`;
  if (kind === 'latency') return `${value.toFixed(3)} ms`;
  if (kind === 'rate') return `${Math.round(value)}/s`;
  if (kind === 'loss') return `${value.toFixed(2)}%`;
  return String(value);
}
