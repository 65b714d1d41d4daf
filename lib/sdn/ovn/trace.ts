/**
 * `ovn-trace --detailed` output as data: every logical flow the packet matched, in order, with the
 * datapath and pipeline it was in, and what became of the packet (delivered to a port, dropped in a
 * stage, held for an ARP reply). Pure: no OVN needed, so it is tested on captured real traces.
 */

/** One logical flow the traced packet matched (or a table where it matched none). */
export interface TraceHit {
  /** Logical switch or router, by name. */
  datapath: string;
  pipeline: 'ingress' | 'egress';
  inport: string;
  outport: string | null;
  table: number;
  /** ovn-northd's stage name: `ls_out_acl`, `lr_in_ip_routing`, ... */
  stage: string;
  /** Match of the logical flow; empty when no flow matched (an implicit drop). */
  match: string;
  /** -1 when no flow matched. */
  priority: number;
  /** The logical flow's UUID prefix (8 hex digits), as ovn-trace prints it. */
  uuid: string;
  /** Action lines and ovn-trace's comments on them, trimmed. */
  actions: string[];
  /** The packet's IPv4 addresses when it reached this flow (NAT changes them on the way). */
  ip4: { src: string; dst: string };
}

export type TraceOutcome =
  /** Out of the logical network through a port: a workload's (`type` ""), a localnet, a gateway. */
  | { kind: 'output'; port: string; type: string; hit: TraceHit }
  | { kind: 'dropped'; hit: TraceHit; reason: 'drop' | 'no-match' }
  /** A flood does not go back out the port it came in on. */
  | { kind: 'hairpin'; datapath: string; port: string }
  /** A router had no MAC for the next hop: it sends an ARP request and holds the packet. */
  | { kind: 'arp'; hit: TraceHit; nexthop: string }
  /** ovn-trace's own error (`*** ...`): an unknown or null port. */
  | { kind: 'error'; text: string; hit: TraceHit | null };

export interface ParsedTrace {
  /** The traced packet in OpenFlow syntax (ovn-trace's first line). */
  microflow: string;
  hits: TraceHit[];
  outcomes: TraceOutcome[];
}

const HIT = /^\s*(\d+)\. (\S+) \(([^)]*)\): (.*), priority (-?\d+), uuid ([0-9a-f]+)$/;
const NO_MATCH = /^\s*(\d+)\. (\S+): no match \(implicit drop\)$/;
const PIPELINE = /^(ingress|egress)\(dp="([^"]*)", inport="([^"]*)"(?:, outport="([^"]*)")?\)$/;
const OUTPUT = /^\/\* output to "([^"]*)", type "([^"]*)" \*\/$/;
const NAT_HEADER = /^ct_[sd]nat\S*\((ip4\.(?:src|dst))=([\d.]+)\)/;

function microflowField(microflow: string, field: string): string {
  return new RegExp(`(?:^|,)${field}=([^,]+)`).exec(microflow)?.[1] ?? '';
}

export function parseTrace(text: string): ParsedTrace {
  const lines = text.split('\n');
  const microflow = (lines.find((l) => l.startsWith('# ') && !/^# \w+ trace\.$/.test(l)) ?? '').slice(2);
  const ip4 = { src: microflowField(microflow, 'nw_src'), dst: microflowField(microflow, 'nw_dst') };
  let place = { datapath: '', pipeline: 'ingress' as TraceHit['pipeline'], inport: '', outport: null as string | null };
  let hit: TraceHit | null = null;
  let nexthop = '';
  const hits: TraceHit[] = [];
  const outcomes: TraceOutcome[] = [];
  const addHit = (table: string, stage: string, match: string, priority: number, uuid: string) => {
    hit = { ...place, table: Number(table), stage, match, priority, uuid, actions: [], ip4: { ...ip4 } };
    hits.push(hit);
    return hit;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const next = lines[i + 1]?.trim() ?? '';
    if (!line || line.startsWith('#') || /^-+$/.test(line)) continue;
    // A section header is underlined with dashes: a pipeline, a ct_* step, a multicast group, an ARP.
    if (/^-+$/.test(next)) {
      const pipeline = PIPELINE.exec(line);
      if (pipeline) place = { pipeline: pipeline[1] as TraceHit['pipeline'], datapath: pipeline[2], inport: pipeline[3], outport: pipeline[4] ?? null };
      const nat = NAT_HEADER.exec(line);
      if (nat) ip4[nat[1] === 'ip4.src' ? 'src' : 'dst'] = nat[2];
      // What follows an ARP header is the ARP request's own path, not the packet's.
      if (line === 'arp' || line === 'nd_ns') break;
      continue;
    }
    const matched = HIT.exec(line);
    if (matched) {
      addHit(matched[1], matched[2], matched[4], Number(matched[5]), matched[6]);
      continue;
    }
    const none = NO_MATCH.exec(line);
    if (none) {
      outcomes.push({ kind: 'dropped', hit: addHit(none[1], none[2], '', -1, ''), reason: 'no-match' });
      continue;
    }
    if (line.startsWith('***')) {
      outcomes.push({ kind: 'error', text: line.replace(/^\*+\s*/, ''), hit });
      continue;
    }
    if (line.startsWith('/* omitting output because inport == outport')) {
      outcomes.push({ kind: 'hairpin', datapath: place.datapath, port: place.inport });
      continue;
    }
    const current = hit as TraceHit | null;
    if (!current) continue;
    current.actions.push(line);
    const output = OUTPUT.exec(line);
    if (output && output[2] !== 'patch') outcomes.push({ kind: 'output', port: output[1], type: output[2], hit: current });
    else if (line === 'drop;') outcomes.push({ kind: 'dropped', hit: current, reason: 'drop' });
    else if (/^(arp|nd_ns) \{/.test(line)) outcomes.push({ kind: 'arp', hit: current, nexthop });
    const reg0 = current.stage === 'lr_in_ip_routing' ? /^reg0 = ([^;]+);$/.exec(line) : null;
    if (reg0) nexthop = reg0[1] === 'ip4.dst' ? ip4.dst : reg0[1];
    const rewrite = /^ip4\.(src|dst) = ([\d.]+);$/.exec(line);
    if (rewrite) ip4[rewrite[1] as 'src' | 'dst'] = rewrite[2];
  }
  return { microflow, hits, outcomes };
}
