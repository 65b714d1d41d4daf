import type { TargetHosts } from '../../target/hosts';
import type { Mirror, Topology } from '../../topology';
import { collectorHost } from '../shared/placement';
import type { RunJournal } from '../journal';
import type { Names } from './names';
import type { Northbound } from './northbound';

const mirrorName = (names: Names, mirror: string) => `${names.prefix}${mirror}`;

/**
 * Port mirrors as OVN has them: an NB Mirror (GRE, the key as its index) attached to the workload's
 * logical port; ovn-controller on the port's chassis then sends the copies through a GRE tunnel to
 * the collector. Each is journaled before it is made; its name carries the prefix for the sweep.
 */
export async function createMirrors(nb: Northbound, names: Names, topology: Topology, hosts: TargetHosts, placement: ReadonlyMap<string, string>, journal: RunJournal): Promise<void> {
  const commands: string[][] = [];
  for (const mirror of topology.mirrors) {
    const name = mirrorName(names, mirror.name);
    // mirror-del of a mirror that is gone succeeds, so the undo is safe to repeat.
    journal.record(`mirror ${name}`, { nb: ['mirror-del', name] });
    commands.push(
      ['mirror-add', name, 'gre', String(mirror.key), mirror.direction, collectorAddress(mirror, hosts, placement)],
      ['lsp-attach-mirror', names.workloadPort(mirror.workload, mirror.port), name],
    );
  }
  await nb.run(commands);
}

/** A role stands for a host's tunnel endpoint: the copies travel the underlay like any tunnel. */
function collectorAddress(mirror: Mirror, hosts: TargetHosts, placement: ReadonlyMap<string, string>): string {
  if ('address' in mirror.collector) return mirror.collector.address;
  return collectorHost(hosts.target.hosts, mirror, placement.get(mirror.workload)!).data.address;
}

/** Mirrors whose name carries `prefix`, journal or not. */
export async function sweepMirrors(nb: Northbound, prefix: string): Promise<string[]> {
  const ours = (await nb.list('Mirror', ['name'])).map((r) => r.name).filter((name) => name.startsWith(prefix));
  await nb.run(ours.map((name) => ['mirror-del', name]));
  return ours.map((name) => `Mirror ${name}`);
}
