import type { TargetHosts } from '../../target/hosts';
import type { Mirror, Topology } from '../../topology';
import { NetvetError } from '../../util/errors';
import type { RunJournal } from '../journal';
import type { Names } from './names';
import type { Northbound } from './northbound';

const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

const mirrorName = (names: Names, mirror: string) => `${names.prefix}${mirror}`;

/**
 * Port mirrors as OVN has them: an NB Mirror (GRE, the key as its index) attached to the workload's
 * logical port; ovn-controller on the port's chassis then sends the copies through a GRE tunnel to
 * the collector. Each is journaled before it is made; its name carries the prefix for the sweep.
 */
export async function createMirrors(nb: Northbound, names: Names, topology: Topology, hosts: TargetHosts, journal: RunJournal): Promise<void> {
  const commands: string[][] = [];
  for (const mirror of topology.mirrors) {
    const name = mirrorName(names, mirror.name);
    // mirror-del of a mirror that is gone succeeds, so the undo is safe to repeat.
    journal.record(`mirror ${name}`, { nb: ['mirror-del', name] });
    commands.push(
      ['mirror-add', name, 'gre', String(mirror.key), mirror.direction, collectorAddress(mirror, hosts)],
      ['lsp-attach-mirror', names.workloadPort(mirror.workload, mirror.port), name],
    );
  }
  await nb.run(commands);
}

/** A target host stands for its tunnel endpoint: the copies travel the underlay like any tunnel. */
function collectorAddress(mirror: Mirror, hosts: TargetHosts): string {
  if (IPV4.test(mirror.collector)) return mirror.collector;
  const host = hosts.get(mirror.collector);
  if (!host.data) {
    const onUnderlay = hosts.target.hosts.filter((h) => h.data).map((h) => h.name);
    throw new NetvetError(`mirror ${mirror.name}: collector ${host.name} has no address on the underlay (no data section in the target file)`, `use one of: ${onUnderlay.join(', ')}, or an underlay address`, { ...mirror.source, field: 'collector' });
  }
  return host.data.address;
}

/** Mirrors whose name carries `prefix`, journal or not. */
export async function sweepMirrors(nb: Northbound, prefix: string): Promise<string[]> {
  const ours = (await nb.list('Mirror', ['name'])).map((r) => r.name).filter((name) => name.startsWith(prefix));
  await nb.run(ours.map((name) => ['mirror-del', name]));
  return ours.map((name) => `Mirror ${name}`);
}
