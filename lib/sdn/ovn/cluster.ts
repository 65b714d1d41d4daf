import { setTimeout as sleep } from 'node:timers/promises';
import type { TargetHosts } from '../../target/hosts';
import { CLUSTERS, clusterStatus, northdStatuses, rundirExpression, type ClusterName, type MemberStatus } from './control-plane';

/** Polls `probe` every 50 ms until it returns something, or `withinMs` passes (then undefined). */
export async function pollFor<T>(probe: () => Promise<T | undefined>, withinMs: number): Promise<T | undefined> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined || Date.now() > deadline) return found;
    await sleep(50);
  }
}

/** A leader other than `not`, elected within `withinMs`; its host and how long the cluster had none. */
export async function waitForNewLeader(hosts: TargetHosts, cluster: ClusterName, not: string, withinMs: number): Promise<{ host: string; afterMs: number } | undefined> {
  const started = Date.now();
  const host = await pollFor(async () => (await clusterStatus(hosts, cluster)).find((m) => m.role === 'leader' && m.host !== not)?.host, withinMs);
  return host ? { host, afterMs: Date.now() - started } : undefined;
}

/** The member is back in the cluster: a follower that knows the current leader. Its last status either way. */
export async function waitForRejoin(hosts: TargetHosts, cluster: ClusterName, host: string, withinMs: number): Promise<{ rejoined: boolean; status: MemberStatus }> {
  let last: MemberStatus = { host, answers: false };
  const rejoined = await pollFor(async () => {
    const members = await clusterStatus(hosts, cluster);
    last = members.find((m) => m.host === host) ?? last;
    const leader = members.find((m) => m.role === 'leader');
    return last.status === 'cluster member' && last.role === 'follower' && leader && last.leader === leader.serverId ? true : undefined;
  }, withinMs);
  return { rejoined: rejoined === true, status: last };
}

/** A northd host that turned active, other than `not`; undefined when none did within `withinMs`. */
export async function waitForActiveNorthd(hosts: TargetHosts, not: string, withinMs: number): Promise<{ host: string; afterMs: number } | undefined> {
  const started = Date.now();
  const host = await pollFor(async () => (await northdStatuses(hosts)).find((n) => n.status === 'active' && n.host !== not)?.host, withinMs);
  return host ? { host, afterMs: Date.now() - started } : undefined;
}

/**
 * Runs an OVN client (`ovn-nbctl`, `ovn-sbctl`) on a member's host against that member alone,
 * through its local socket (`<rundir>/ovnnb_db.sock`, as ovn-ctl names it): what a write or read
 * sees from that one server, whatever the others do.
 */
export async function onMemberOnly(hosts: TargetHosts, cluster: ClusterName, host: string, args: string[]): Promise<{ ok: boolean; output: string }> {
  const { daemon } = CLUSTERS[cluster];
  const tool = cluster === 'northbound' ? 'ovn-nbctl' : 'ovn-sbctl';
  const result = await hosts
    .shell(host)
    .exec(['sh', '-c', `exec ${tool} --db="unix:${rundirExpression(daemon)}/${daemon}.sock" --timeout=3 "$@"`, 'sh', ...args], { timeoutMs: 8000 });
  return { ok: result.code === 0, output: (result.code === 0 ? result.stdout : result.stderr || `exit ${result.code}`).trim() };
}
