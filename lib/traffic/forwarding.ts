import type { Shell } from '../access';
import { NetvetError } from '../util/errors';
import { probe, type ProbeResult } from './probe';

/** What one forwarding workload (a service instance) forwarded: new TCP flows (bare SYNs) and all packets. */
export interface Forwarded {
  flows: number;
  packets: number;
}

/** Per instance name. */
export type Split = Record<string, Forwarded>;

const COUNTERS = `table inet netvet {
  counter new_flows { }
  counter all_packets { }
  chain forwarded {
    type filter hook forward priority filter; policy accept;
    tcp flags & (syn | ack) == syn counter name "new_flows"
    counter name "all_packets"
  }
}
`;

async function must(shell: Shell, argv: string[], input?: string): Promise<string> {
  const result = await shell.exec(argv, { input, timeoutMs: 15_000 });
  if (result.code !== 0) throw new NetvetError(`${argv.join(' ')} failed in ${shell.name}: ${result.stderr.trim()}`, 'the workload needs nftables (nft) and its own network namespace');
  return result.stdout;
}

async function read(shell: Shell): Promise<Forwarded> {
  const parsed = JSON.parse(await must(shell, ['nft', '-j', 'list', 'counters', 'table', 'inet', 'netvet'])) as { nftables: Array<{ counter?: { name: string; packets: number } }> };
  const value = (name: string) => parsed.nftables.find((item) => item.counter?.name === name)?.counter?.packets ?? 0;
  return { flows: value('new_flows'), packets: value('all_packets') };
}

/**
 * Counts, with nftables inside each instance, what the instances forward: the proof that traffic
 * went through them, and how the flows spread. `sample()` returns the counts since the previous
 * sample (or since the counters were installed).
 */
export async function forwardingCounters(instances: Array<{ name: string; shell: Shell }>): Promise<{ sample: () => Promise<Split> }> {
  await Promise.all(instances.map((i) => must(i.shell, ['nft', '-f', '-'], COUNTERS)));
  let last: Split = Object.fromEntries(instances.map((i) => [i.name, { flows: 0, packets: 0 }]));
  return {
    sample: async () => {
      const now: Split = Object.fromEntries(await Promise.all(instances.map(async (i) => [i.name, await read(i.shell)] as const)));
      const delta = Object.fromEntries(Object.entries(now).map(([name, n]) => [name, { flows: n.flows - last[name].flows, packets: n.packets - last[name].packets }]));
      last = now;
      return delta;
    },
  };
}

/** `svc-1 11 flows (402 packets), svc-2 9 flows (330 packets)`. */
export function formatSplit(split: Split): string {
  return Object.entries(split)
    .map(([name, f]) => `${name} ${f.flows} flows (${f.packets} packets)`)
    .join(', ');
}

/** Instances that forwarded none of the flows. */
export function idle(split: Split): string[] {
  return Object.entries(split)
    .filter(([, f]) => f.flows === 0)
    .map(([name]) => name);
}

export interface Flows {
  results: ProbeResult[];
  /** Flows that got no answer. */
  lost: ProbeResult[];
  /** How many flows the far side saw from each source address (its responder reports it). */
  seenFrom: Record<string, number>;
}

/**
 * Opens `count` TCP connections (each its own flow: a new source port) to a responder and reads
 * its answer `<hostname> <source seen>` on each.
 */
export async function openFlows(from: Shell, to: { address: string; port: number }, count: number, concurrency = 8): Promise<Flows> {
  const results: ProbeResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        results.push(await probe(from, { kind: 'tcp', ...to }, 3));
      }
    }),
  );
  const seenFrom: Record<string, number> = {};
  for (const r of results) {
    const seen = r.ok ? r.reply?.split(' ')[1] : undefined;
    if (seen) seenFrom[seen] = (seenFrom[seen] ?? 0) + 1;
  }
  return { results, lost: results.filter((r) => !r.ok), seenFrom };
}

/** Source NAT inside a one-armed instance: what it forwards from `from` leaves with its own address. */
export async function masquerade(instance: Shell, from: string, iface = 'eth0'): Promise<void> {
  const rules = `table ip netvet_nat {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr ${from} oifname "${iface}" masquerade
  }
}
`;
  await must(instance, ['nft', '-f', '-'], rules);
}
