import { RemoteDaemon } from '../../lib/sdn/ovn/daemons';
import type { TargetHosts } from '../../lib/target/hosts';
import { chassisHosts, clusterHosts, CLUSTERS, ovnOf, type DaemonName } from '../../lib/sdn/ovn/control-plane';

/**
 * What the rolling restart (lib/upgrade/rolling-restart.ts) must do to a target, written from the
 * target file alone so the test does not read the procedure's own plan back: one step per chassis,
 * per southbound then northbound member, a conversion per cluster and one per ovn-northd; and every
 * daemon those steps name running again under a new PID.
 */
export function expectedSteps(hosts: TargetHosts): string[] {
  const target = hosts.target;
  return [
    ...chassisHosts(target).map((h) => `chassis ${h}`),
    ...(['southbound', 'northbound'] as const).flatMap((c) => [...clusterHosts(target, c).map((h) => `${CLUSTERS[c].schema} member on ${h}`), `${CLUSTERS[c].schema} converted`]),
    ...ovnOf(target).northd.map((h) => `ovn-northd on ${h}`),
  ];
}

export function restartedDaemons(hosts: TargetHosts): RemoteDaemon[] {
  const target = hosts.target;
  const on = (host: string, names: DaemonName[]) => names.map((name) => new RemoteDaemon(host, name, hosts.shell(host)));
  return [
    ...chassisHosts(target).flatMap((h) => on(h, ['ovsdb-server', 'ovs-vswitchd', 'ovn-controller'])),
    ...clusterHosts(target, 'southbound').flatMap((h) => on(h, [CLUSTERS.southbound.daemon])),
    ...clusterHosts(target, 'northbound').flatMap((h) => on(h, [CLUSTERS.northbound.daemon])),
    ...ovnOf(target).northd.flatMap((h) => on(h, ['ovn-northd'])),
  ];
}

/** label -> PID, undefined for a daemon not running. */
export async function daemonPids(daemons: RemoteDaemon[]): Promise<Record<string, number | undefined>> {
  return Object.fromEntries(await Promise.all(daemons.map(async (d) => [d.label, (await d.snapshot())?.pid] as const)));
}

/** The schema version a schema file installed on a host declares (`ovsdb-tool schema-version`). */
export async function installedSchemaVersion(hosts: TargetHosts, host: string, file: string): Promise<string> {
  const result = await hosts.shell(host).exec(['ovsdb-tool', 'schema-version', file]);
  if (result.code !== 0) throw new Error(`${host}: ovsdb-tool schema-version ${file}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}
