import { setTimeout as sleep } from 'node:timers/promises';
import { dataPathProblems, dataPathState, type ChassisDataPath } from './data-path';
import type { TargetHosts } from '../../target/hosts';
import { run } from '../../util/exec';
import { chassisHosts, chassisName, CLUSTERS, clusterStatus, northdStatuses, ovnOf, southboundRows, type ClusterName, type MemberStatus } from './control-plane';

/**
 * Is the target whole? Read from the same places an operator looks, on any target: each Raft
 * member's cluster/status over SSH, each ovn-northd's lock status, each chassis' ovn-controller
 * and its registration in the southbound DB, and the data network from the chassis (uplinks up,
 * every tunnel endpoint reached from every other chassis: lib/target/data-path.ts). Disruptive
 * tests check it before they start and after they undo their faults.
 */
export interface TargetHealth {
  healthy: boolean;
  problems: string[];
  clusters: Array<{ cluster: ClusterName; leader?: string; members: MemberStatus[] }>;
  northd: Array<{ host: string; status: string }>;
  chassis: Array<{ host: string; reachable: boolean; name?: string; vswitchd: boolean; controller: string; registered: boolean }>;
  dataPath: ChassisDataPath[];
  /** Whether each database answers its clients at the target file's connection string (standalone or clustered). */
  databases: Array<{ database: 'northbound' | 'southbound'; remote: string; answers: boolean }>;
}

/** One read through the connection string clients use: a standalone server, or any member of a cluster. */
async function databaseAnswers(database: 'northbound' | 'southbound', remote: string): Promise<TargetHealth['databases'][number]> {
  const [tool, table] = database === 'northbound' ? ['ovn-nbctl', 'NB_Global'] : ['ovn-sbctl', 'SB_Global'];
  const { code } = await run([tool, `--db=${remote}`, '--no-leader-only', '--timeout=5', 'get', table, '.', 'nb_cfg'], { allowFail: true, timeoutMs: 8000 });
  return { database, remote, answers: code === 0 };
}

function clusterProblems(cluster: ClusterName, members: MemberStatus[]): string[] {
  const { schema } = CLUSTERS[cluster];
  const leaders = members.filter((m) => m.role === 'leader');
  return [
    ...members.filter((m) => !m.answers).map((m) => `${schema} member on ${m.host} does not answer`),
    ...members.filter((m) => m.answers && m.status !== 'cluster member').map((m) => `${schema} member on ${m.host} is '${m.status}', not a cluster member`),
    ...(leaders.length === 0 ? [`the ${schema} cluster has no leader`] : []),
    ...(leaders.length > 1 ? [`the ${schema} cluster has ${leaders.length} leaders (${leaders.map((m) => m.host).join(', ')})`] : []),
    ...members
      .filter((m) => m.answers && m.role !== 'leader' && leaders.length === 1 && m.leader !== leaders[0].serverId)
      .map((m) => `${schema} member on ${m.host} does not follow the leader on ${leaders[0].host} (it knows leader '${m.leader}')`),
  ];
}

async function chassisState(hosts: TargetHosts, host: string, registered: Set<string>): Promise<TargetHealth['chassis'][number]> {
  const shell = hosts.shell(host);
  try {
    const [name, vswitchd, controller] = await Promise.all([
      chassisName(hosts, host),
      shell.exec(['ovs-appctl', '--timeout=2', 'version'], { timeoutMs: 5000 }).then((r) => r.code === 0),
      shell.exec(['ovn-appctl', '--timeout=2', '-t', 'ovn-controller', 'connection-status'], { timeoutMs: 5000 }).then((r) => (r.code === 0 ? r.stdout.trim() : 'down')),
    ]);
    return { host, reachable: true, name, vswitchd, controller, registered: name !== undefined && registered.has(name) };
  } catch {
    // One chassis out of reach is one problem, not a failed check: the others are still read.
    return { host, reachable: false, vswitchd: false, controller: 'unknown', registered: false };
  }
}

export async function checkTargetHealth(hosts: TargetHosts): Promise<TargetHealth> {
  const { target } = hosts;
  const ovn = ovnOf(target);
  const clusterNames = (Object.keys(CLUSTERS) as ClusterName[]).filter((c) => ovn[CLUSTERS[c].members].length);
  const [clusters, northd, registered, dataPath, databases] = await Promise.all([
    Promise.all(clusterNames.map(async (cluster) => {
      const members = await clusterStatus(hosts, cluster);
      return { cluster, leader: members.find((m) => m.role === 'leader')?.host, members };
    })),
    northdStatuses(hosts),
    southboundRows(target, 'Chassis', ['name']).then((rows) => new Set(rows.map((r) => r.name))).catch(() => new Set<string>()),
    dataPathState(hosts),
    Promise.all([databaseAnswers('northbound', ovn.northbound), databaseAnswers('southbound', ovn.southbound)]),
  ]);
  const chassis = await Promise.all(chassisHosts(target).map((host) => chassisState(hosts, host, registered)));
  const active = northd.filter((n) => n.status === 'active');
  const problems = [
    ...databases.filter((d) => !d.answers).map((d) => `the ${d.database} database does not answer at ${d.remote} (check ovn.${d.database} in the target file and that the server runs)`),
    ...clusters.flatMap((c) => clusterProblems(c.cluster, c.members)),
    ...northd.filter((n) => n.status === 'down').map((n) => `ovn-northd on ${n.host} is not running`),
    ...(northd.length && !active.length ? ['no ovn-northd is active'] : []),
    ...(active.length > 1 ? [`${active.length} ovn-northd are active at once (${active.map((n) => n.host).join(', ')})`] : []),
    ...chassis.filter((c) => !c.reachable).map((c) => `chassis ${c.host} cannot be checked: it is not reachable over SSH`),
    ...chassis.filter((c) => c.reachable).flatMap((c) => [
      ...(c.name === undefined ? [`the Open vSwitch database on chassis ${c.host} does not answer`] : []),
      ...(!c.vswitchd ? [`ovs-vswitchd on chassis ${c.host} does not answer`] : []),
      ...(c.controller !== 'connected' ? [`ovn-controller on chassis ${c.host} is ${c.controller === 'down' ? 'not running' : `'${c.controller}' (not connected to the southbound DB)`}`] : []),
      ...(c.name !== undefined && !c.registered ? [`chassis ${c.host} ('${c.name}') is not registered in the southbound DB`] : []),
    ]),
    ...dataPathProblems(dataPath),
  ];
  return { healthy: problems.length === 0, problems, clusters, northd, chassis, dataPath, databases };
}

/** Polls until the target is healthy or `withinMs` passes; returns the last health seen either way. */
export async function waitForHealth(hosts: TargetHosts, withinMs: number): Promise<TargetHealth> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const health = await checkTargetHealth(hosts);
    if (health.healthy || Date.now() > deadline) return health;
    await sleep(250);
  }
}

/** One line per cluster, northd and chassis: what a report shows when health is in question. */
export function describeHealth(health: TargetHealth): string {
  return [
    `databases: ${health.databases.map((d) => `${d.database}=${d.answers ? 'answers' : 'NO ANSWER'}`).join(' ')}`,
    ...health.clusters.map((c) => `${CLUSTERS[c.cluster].schema}: leader ${c.leader ?? 'none'}; ${c.members.map((m) => `${m.host}=${m.answers ? `${m.role}/${m.status}/term ${m.term}` : 'no answer'}`).join(' ')}`),
    `ovn-northd: ${health.northd.map((n) => `${n.host}=${n.status}`).join(' ') || 'none listed'}`,
    `chassis: ${health.chassis.map((c) => `${c.host}=${c.controller}${c.registered ? '' : ' (unregistered)'}`).join(' ')}`,
    `data path: ${health.dataPath.map((c) => `${c.host}=${c.uplinks.map((u) => `${u.name}:${u.up ? 'up' : u.state}`).join(',')}${c.unreachable.length ? ` (reaches no ${c.unreachable.map((u) => u.host).join(', ')})` : ''}`).join(' ') || 'no chassis with a data address'}`,
    ...health.problems.map((p) => `! ${p}`),
  ].join('\n');
}
