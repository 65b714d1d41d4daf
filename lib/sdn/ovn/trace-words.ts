import type { ParsedTrace, TraceHit, TraceOutcome } from './trace';

/** Stages whose logical flows come from northbound rows a user wrote (ACLs, NAT rules, routes, policies). */
export const ACL_STAGE = /^ls_(in|out)_acl(_after_lb|_eval)?$/;
const NAT_STAGE = /^lr_(in_dnat|out_snat)$/;
const ROUTING_STAGE = 'lr_in_ip_routing';
const POLICY_STAGE = 'lr_in_policy';

/** Stages worth naming the northbound row of (through the logical flow's stage-hint). */
export function hintedStage(stage: string): boolean {
  return ACL_STAGE.test(stage) || NAT_STAGE.test(stage) || stage === ROUTING_STAGE || stage === POLICY_STAGE;
}

/**
 * The northbound row behind a logical flow, in words (`ACL "..." (to-lport, priority 1001, drop) of
 * port group pg`), by the flow's UUID prefix as the trace prints it.
 */
export type Hints = ReadonlyMap<string, string>;

export interface Decision {
  kind: 'acl' | 'nat' | 'route';
  text: string;
}

export interface TraceWords {
  /** What became of the packet, in one line. */
  outcome: string;
  /** It leaves the logical network through a port (a workload's, a localnet): nothing dropped it. */
  passes: boolean;
  /** The decisions on the way that a user's configuration made (ACLs, NAT, routes), in order. */
  decisions: Decision[];
  /** Everything on the way worth a line: decisions, then each outcome. */
  steps: string[];
  /** Logical ports of workloads (type "") it reached. */
  delivered: string[];
  /** Datapath -> stages that decided, for listing their logical flows. */
  stages: Map<string, Set<string>>;
}

/**
 * How a trace names what it passes. The lab's names are OVN's own; a cloud's OVN names (`neutron-<id>`)
 * mean little to its user, who knows the networks and routers by the topology's names.
 */
export interface TraceLabels {
  /** A logical port: `server (nv1-server-0)`. */
  port(port: string): string;
  /** A logical switch or router: `switch nv1-net1`, `network net1`. */
  datapath(name: string, kind: 'switch' | 'router'): string;
  /** What more a drop by this ACL flow means (which security group has no rule for it), if anything. */
  aclDrop?(hit: TraceHit): string | undefined;
}

const OVN_LABELS: TraceLabels = { port: (p) => p, datapath: (name, kind) => `${kind} ${name}` };

const where = (hit: TraceHit, labels: TraceLabels) => labels.datapath(hit.datapath, hit.stage.startsWith('lr_') ? 'router' : 'switch');
const flow = (hit: TraceHit) => `"${hit.match}" (priority ${hit.priority})`;
const dropsIt = (hit: TraceHit) => hit.actions.includes('drop;');

function decision(hit: TraceHit, hints: Hints, labels: TraceLabels): Decision | null {
  const hint = hints.get(hit.uuid);
  if (ACL_STAGE.test(hit.stage)) {
    if (dropsIt(hit)) return null;
    return hint ? { kind: 'acl', text: `allowed by ${hint} on ${where(hit, labels)}` } : null;
  }
  if (NAT_STAGE.test(hit.stage)) {
    const nat = hit.actions.map((a) => /^ct_([sd])nat\S*\(([\d.]+)\);$/.exec(a)).find(Boolean);
    if (!nat) return null;
    const [before, kind] = nat[1] === 'd' ? [hit.ip4.dst, 'DNAT'] : [hit.ip4.src, 'SNAT'];
    return { kind: 'nat', text: `${kind} ${before} to ${nat[2]} by ${hint ?? `NAT flow ${flow(hit)}`} on ${where(hit, labels)}` };
  }
  if (hit.stage === ROUTING_STAGE && !dropsIt(hit)) {
    const out = hit.actions.map((a) => /^outport = "([^"]+)";$/.exec(a)?.[1]).find(Boolean);
    return { kind: 'route', text: `${where(hit, labels)} routes ${hit.ip4.dst}${out ? ` out ${out}` : ''}${hint ? ` by ${hint}` : ''}` };
  }
  return null;
}

/** The words for a drop, by the stage that dropped. */
function dropWords(hit: TraceHit, reason: 'drop' | 'no-match', hints: Hints, labels: TraceLabels): string {
  const hint = hints.get(hit.uuid);
  if (ACL_STAGE.test(hit.stage)) {
    const more = labels.aclDrop?.(hit);
    return `dropped by ${hint ?? `the default ${hit.stage} flow ${flow(hit)}`} on ${where(hit, labels)}${more ? `: ${more}` : ''}`;
  }
  if (hit.stage === ROUTING_STAGE) return `no route to ${hit.ip4.dst} on ${where(hit, labels)}`;
  if (hit.stage === POLICY_STAGE) return `dropped by ${hint ?? `router policy ${flow(hit)}`} on ${where(hit, labels)}`;
  if (/port_sec/.test(hit.stage)) {
    const [port, side] = hit.pipeline === 'ingress' ? [hit.inport, 'source'] : [hit.outport, 'destination'];
    return `dropped by port security of ${port ? labels.port(port) : port} on ${where(hit, labels)}: its ${side} is not among the port's addresses`;
  }
  if (/l2_(lkup|unknown)/.test(hit.stage)) return `dropped on ${where(hit, labels)}: no port has the destination MAC`;
  if (reason === 'no-match') return `dropped in ${hit.stage} on ${where(hit, labels)}: no logical flow matches`;
  return `dropped in ${hit.stage} by ${flow(hit)} on ${where(hit, labels)}`;
}

function outcomeWords(outcome: TraceOutcome, hints: Hints, labels: TraceLabels): string {
  switch (outcome.kind) {
    case 'output':
      if (outcome.type === '') return `delivered to ${labels.port(outcome.port)}`;
      // The source it leaves with shows whether a NAT rule rewrote it.
      return `leaves ${where(outcome.hit, labels)} through ${outcome.type} port ${outcome.port} with source ${outcome.hit.ip4.src}`;
    case 'dropped':
      return dropWords(outcome.hit, outcome.reason, hints, labels);
    case 'hairpin':
      return `not sent back out ${outcome.port}, the port it came in on, on ${labels.datapath(outcome.datapath, 'switch')}`;
    case 'arp':
      return `${where(outcome.hit, labels)} has no MAC binding for ${outcome.nexthop}: it sends an ARP request and holds the packet`;
    case 'error':
      return `ovn-trace: ${outcome.text}`;
  }
}

/** Which outcome says what became of the packet: reaching a workload wins over a flood's side branches. */
function rank(outcome: TraceOutcome): number {
  if (outcome.kind === 'output') return outcome.type === '' ? 0 : 2;
  return { arp: 1, dropped: 3, hairpin: 4, error: 5 }[outcome.kind];
}

/** A trace in a network engineer's words, naming ports and datapaths by `names` (by default, OVN's own names). */
export function describeTrace(trace: ParsedTrace, hints: Hints, names: Partial<TraceLabels> = {}): TraceWords {
  const labels = { ...OVN_LABELS, ...names };
  const decided = trace.hits.flatMap((hit) => {
    const made = decision(hit, hints, labels);
    return made ? [{ hit, made }] : [];
  });
  const decisions = decided.map((d) => d.made);
  const outcomes = [...trace.outcomes].sort((a, b) => rank(a) - rank(b));
  const first = outcomes[0];
  const delivered = [...new Set(outcomes.flatMap((o) => (o.kind === 'output' && o.type === '' ? [o.port] : [])))];
  let outcome: string;
  if (!first) outcome = 'the trace ends without delivering or dropping the packet';
  else if (delivered.length > 1) outcome = `delivered to ${delivered.map(labels.port).join(' and ')}`;
  else outcome = outcomeWords(first, hints, labels);

  // The stages that decided: where a rule let it through or changed it, where it stopped.
  const stages = new Map<string, Set<string>>();
  const mark = (datapath: string, stage: string) => stages.set(datapath, (stages.get(datapath) ?? new Set()).add(stage));
  for (const { hit } of decided) mark(hit.datapath, hit.stage);
  for (const o of trace.outcomes) {
    if (o.kind === 'output' || o.kind === 'hairpin' || !o.hit) continue;
    mark(o.hit.datapath, o.hit.stage);
    if (o.kind === 'arp') mark(o.hit.datapath, 'lr_in_arp_resolve');
  }
  const steps = [...decisions.map((d) => d.text), ...new Set(trace.outcomes.map((o) => outcomeWords(o, hints, labels)))];
  return { outcome, passes: first?.kind === 'output', decisions, steps, delivered, stages };
}
