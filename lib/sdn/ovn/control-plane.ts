import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import type { TargetHosts } from '../../target/hosts';
import type { Target } from '../../target/schema';

/**
 * The OVS/OVN daemons by the name of their pid file, and which run directory holds it: as ovn-ctl
 * and ovs-ctl lay them out, `<name>.pid` in OVN_RUNDIR (default /var/run/ovn) or OVS_RUNDIR
 * (default /var/run/openvswitch), beside the control sockets.
 */
export const DAEMONS = {
  ovnnb_db: { rundir: 'OVN' },
  ovnsb_db: { rundir: 'OVN' },
  'ovn-northd': { rundir: 'OVN' },
  'ovn-controller': { rundir: 'OVN' },
  'ovs-vswitchd': { rundir: 'OVS' },
  'ovsdb-server': { rundir: 'OVS' },
} as const;
export type DaemonName = keyof typeof DAEMONS;

const RUNDIR_DEFAULT = { OVN: '/var/run/ovn', OVS: '/var/run/openvswitch' } as const;

/** A shell expression for the directory with a daemon's pid file and control sockets. */
export function rundirExpression(daemon: DaemonName): string {
  const kind = DAEMONS[daemon].rundir;
  return `\${${kind}_RUNDIR:-${RUNDIR_DEFAULT[kind]}}`;
}

/**
 * The OVN control plane as an operator sees it from the hosts themselves: Raft roles through each
 * member's control socket, ovn-northd's lock status, chassis names, where a gateway port is bound.
 * Everything goes through the target file (hosts, SSH, OVN endpoints), never lab internals.
 */
export const CLUSTERS = {
  northbound: { daemon: 'ovnnb_db', schema: 'OVN_Northbound', members: 'northboundCluster' },
  southbound: { daemon: 'ovnsb_db', schema: 'OVN_Southbound', members: 'southboundCluster' },
} as const;
export type ClusterName = keyof typeof CLUSTERS;

export interface MemberStatus {
  host: string;
  /** False when the member's control socket does not answer (the server is down or hung). */
  answers: boolean;
  role?: string;
  status?: string;
  term?: number;
  /** Short server id of this member and of the leader it knows ("self" on the leader). */
  serverId?: string;
  leader?: string;
}

export function ovnOf(target: Target): NonNullable<Target['ovn']> {
  if (!target.ovn) throw new NetvetError(`target '${target.name}' has no ovn section`, 'add ovn.northbound, ovn.southbound and the cluster members to the target file');
  return target.ovn;
}

export function clusterHosts(target: Target, cluster: ClusterName): string[] {
  const members = ovnOf(target)[CLUSTERS[cluster].members];
  if (!members.length) {
    throw new NetvetError(`target '${target.name}' lists no ${cluster} cluster members`, `add ovn.${CLUSTERS[cluster].members} (host and Raft address of each member) to the target file`);
  }
  return members.map((m) => m.host);
}

/** `cluster/status` of one member over SSH, with a short timeout: a stopped server must not stall the caller. */
export async function memberStatus(hosts: TargetHosts, cluster: ClusterName, host: string): Promise<MemberStatus> {
  const { daemon, schema } = CLUSTERS[cluster];
  const result = await hosts
    .shell(host)
    .exec(['sh', '-c', `exec ovn-appctl --timeout=2 -t "${rundirExpression(daemon)}/${daemon}.ctl" cluster/status ${schema}`], { timeoutMs: 5000 })
    .catch(() => ({ code: 255, stdout: '' }));
  if (result.code !== 0) return { host, answers: false };
  const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(result.stdout)?.[1]?.trim();
  return {
    host,
    answers: true,
    role: field('Role'),
    status: field('Status'),
    term: Number(field('Term')),
    serverId: field('Server ID')?.split(' ')[0],
    leader: field('Leader'),
  };
}

export async function clusterStatus(hosts: TargetHosts, cluster: ClusterName): Promise<MemberStatus[]> {
  return Promise.all(clusterHosts(hosts.target, cluster).map((host) => memberStatus(hosts, cluster, host)));
}

/** The host whose member is the Raft leader now, if one is. */
export async function raftLeader(hosts: TargetHosts, cluster: ClusterName): Promise<string | undefined> {
  return (await clusterStatus(hosts, cluster)).find((m) => m.role === 'leader')?.host;
}

/**
 * `ovn-appctl status` of ovn-northd: its control socket where ovn-ctl puts it
 * ($OVN_RUNDIR/ovn-northd.ctl), else the one named by its pid (ovn-northd.<pid>.ctl).
 */
export const NORTHD_STATUS = ['sh', '-c', `ctl="${rundirExpression('ovn-northd')}/ovn-northd.ctl"; [ -S "$ctl" ] || ctl=ovn-northd; exec ovn-appctl --timeout=2 -t "$ctl" status`];

/** `active`, `standby`, `paused`, or `down` when ovn-northd does not answer on that host. */
export async function northdStatus(hosts: TargetHosts, host: string): Promise<string> {
  const result = await hosts
    .shell(host)
    .exec(NORTHD_STATUS, { timeoutMs: 5000 })
    .catch(() => ({ code: 255, stdout: '' }));
  return result.code === 0 ? (/Status: (\w+)/.exec(result.stdout)?.[1] ?? 'unknown') : 'down';
}

export async function northdStatuses(hosts: TargetHosts): Promise<Array<{ host: string; status: string }>> {
  return Promise.all(ovnOf(hosts.target).northd.map(async (host) => ({ host, status: await northdStatus(hosts, host) })));
}

/** Hosts that run ovn-controller: every host with an integration bridge or a compute/gateway role. */
export function chassisHosts(target: Target): string[] {
  return target.hosts.filter((h) => h.integrationBridge || h.roles.includes('compute') || h.roles.includes('gateway')).map((h) => h.name);
}

/** A chassis host's OVN name (its Open_vSwitch external_ids:system-id), or undefined when its ovsdb-server does not answer. */
export async function chassisName(hosts: TargetHosts, host: string): Promise<string | undefined> {
  const result = await hosts.shell(host).exec(['ovs-vsctl', '--timeout=3', 'get', 'open_vswitch', '.', 'external_ids:system-id'], { timeoutMs: 6000 });
  return result.code === 0 ? result.stdout.trim().replace(/^"|"$/g, '') : undefined;
}

/** Rows of a southbound table, asked of any member (a follower answers too). */
export async function southboundRows(target: Target, table: string, columns: string[], conditions: string[] = []): Promise<Array<Record<string, string>>> {
  const { stdout } = await run(
    ['ovn-sbctl', `--db=${ovnOf(target).southbound}`, '--no-leader-only', '--timeout=5', '--format=csv', '--data=bare', '--no-headings',
      `--columns=${columns.join(',')}`, ...(conditions.length ? ['find', table, ...conditions] : ['list', table])],
    { timeoutMs: 10_000 },
  );
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => Object.fromEntries(splitCsv(line).map((value, i) => [columns[i], value])));
}

/**
 * The host where a router's gateway port is active: the chassisredirect port whose addresses hold
 * the router's external address, bound to a chassis, mapped back to the host with that system-id.
 */
export async function activeGateway(hosts: TargetHosts, routerExternalAddress: string): Promise<string | undefined> {
  const ports = await southboundRows(hosts.target, 'Port_Binding', ['mac', 'chassis'], ['type=chassisredirect']);
  const port = ports.find((p) => p.mac.split(/\s+/).some((a) => a.split('/')[0] === routerExternalAddress));
  if (!port?.chassis) return undefined;
  const chassis = await southboundRows(hosts.target, 'Chassis', ['_uuid', 'name']);
  const name = chassis.find((c) => c._uuid === port.chassis)?.name;
  if (!name) return undefined;
  for (const host of chassisHosts(hosts.target)) if ((await chassisName(hosts, host)) === name) return host;
  return undefined;
}

function splitCsv(line: string): string[] {
  const values: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted && c === '"' && line[i + 1] === '"') {
      current += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      values.push(current);
      current = '';
    } else current += c;
  }
  values.push(current);
  return values;
}

/**
 * Waits until every chassis has installed the flows of the current northbound configuration
 * (`ovn-nbctl --wait=hv sync`): after a controller restart, the moment its flows are in place.
 */
export async function waitForChassisSync(target: Target, timeoutS = 60): Promise<{ ok: boolean; error?: string }> {
  const result = await run(['ovn-nbctl', `--db=${ovnOf(target).northbound}`, `--timeout=${timeoutS}`, '--wait=hv', 'sync'], { allowFail: true, timeoutMs: (timeoutS + 5) * 1000 });
  return result.code === 0 ? { ok: true } : { ok: false, error: result.stderr.trim() || `exit ${result.code}` };
}

/**
 * Where a router's gateway port is once it has settled: bound to the highest-priority chassis of
 * its HA group, with every BFD session of that chassis up (when the group has more than one). Right after a router is built (or a
 * gateway chassis returns) a lower-priority chassis may hold the port while BFD comes up; a
 * fault injected then would measure that hand-over, not the fault.
 */
export async function settledGateway(hosts: TargetHosts, routerExternalAddress: string): Promise<string | undefined> {
  const { target } = hosts;
  const ports = await southboundRows(target, 'Port_Binding', ['mac', 'chassis', 'ha_chassis_group'], ['type=chassisredirect']);
  const port = ports.find((p) => p.mac.split(/\s+/).some((a) => a.split('/')[0] === routerExternalAddress));
  if (!port?.chassis || !port.ha_chassis_group) return undefined;
  const [groups, members] = await Promise.all([
    southboundRows(target, 'HA_Chassis_Group', ['_uuid', 'ha_chassis']),
    southboundRows(target, 'HA_Chassis', ['_uuid', 'chassis', 'priority']),
  ]);
  const inGroup = new Set(groups.find((g) => g._uuid === port.ha_chassis_group)?.ha_chassis.split(/\s+/) ?? []);
  const top = members.filter((m) => inGroup.has(m._uuid)).sort((a, b) => Number(b.priority) - Number(a.priority))[0];
  if (top?.chassis !== port.chassis) return undefined;
  const host = await activeGateway(hosts, routerExternalAddress);
  // A single gateway chassis runs no BFD: nothing to wait for.
  if (!host || inGroup.size < 2) return host;
  const bfd = await hosts.shell(host).exec(['ovs-vsctl', '--timeout=3', '--format=csv', '--no-headings', '--columns=bfd_status', 'find', 'interface', 'bfd:enable=true']);
  const sessions = bfd.stdout.split('\n').filter(Boolean);
  return bfd.code === 0 && sessions.length > 0 && sessions.every((s) => /\bstate=up\b/.test(s)) ? host : undefined;
}
