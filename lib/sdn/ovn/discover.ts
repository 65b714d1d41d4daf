import { SshPool, type Shell } from '../../access';
import type { Encapsulation, HostRole, Target, TargetHost } from '../../target/schema';
import { TUNNEL_OVERHEAD, underlayMtu } from '../../traffic/path-mtu';
import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import type { Discovery, DiscoveryRequest } from '../types';
import { NORTHD_STATUS } from './control-plane';
import { Southbound } from './southbound';

/** `tcp:10.0.0.11:6641,ssl:[::1]:6641` -> the addresses in it (unix sockets have none). */
function remoteAddresses(remote: string): string[] {
  return remote.split(',').flatMap((r) => {
    const match = /^(?:tcp|ssl):\[?([^\]]+?)\]?:\d+$/.exec(r.trim());
    return match ? [match[1]] : [];
  });
}

/** `a=1,b="x,y"` as ovs-vsctl prints an external_ids map with --format=json. */
async function externalIds(shell: Shell): Promise<Record<string, string>> {
  const { code, stdout, stderr } = await shell.exec(['ovs-vsctl', '--format=json', '--columns=external_ids', 'list', 'Open_vSwitch'], { timeoutMs: 10_000 });
  if (code !== 0) throw new NetvetError(`ovs-vsctl does not answer: ${stderr.trim()}`, 'check that Open vSwitch runs on that host');
  const table = JSON.parse(stdout) as { data: Array<[['map', Array<[string, string]>]]> };
  return Object.fromEntries(table.data[0]?.[0]?.[1] ?? []);
}

/** The interface that holds `address`, and the OVS ports under it when it is an OVS bridge (its uplinks). */
async function dataInterface(shell: Shell, address: string): Promise<{ interface: string; uplinks: string[] } | undefined> {
  const { stdout } = await shell.exec(['ip', '-o', '-4', 'addr', 'show', 'to', `${address}/32`], { timeoutMs: 5000 });
  const iface = /^\d+:\s+(\S+)/.exec(stdout)?.[1];
  if (!iface) return undefined;
  const ports = await shell.exec(['ovs-vsctl', 'list-ports', iface], { timeoutMs: 5000 });
  return { interface: iface, uplinks: ports.code === 0 ? ports.stdout.split('\n').filter(Boolean) : [] };
}

/** ssh-keyscan's answer for the host: what the target file pins (the operator should compare fingerprints once). */
async function hostKey(address: string, port: number): Promise<string | undefined> {
  const { stdout } = await run(['ssh-keyscan', '-T', '5', '-t', 'ed25519', '-p', String(port), address], { allowFail: true, timeoutMs: 10_000 });
  return /^\S+\s+(ssh-ed25519\s+\S+)/m.exec(stdout)?.[1];
}

/** Raft members of one database, as its server on `shell` lists them; empty for a standalone server or none here. */
async function raftMembers(shell: Shell, daemon: 'ovnnb_db' | 'ovnsb_db', schema: string): Promise<string[]> {
  const status = await shell.exec(['sh', '-c', `exec ovn-appctl --timeout=2 -t "\${OVN_RUNDIR:-/var/run/ovn}/${daemon}.ctl" cluster/status ${schema}`], { timeoutMs: 5000 });
  if (status.code !== 0) return [];
  const servers = status.stdout.split(/^Servers:$/m)[1] ?? '';
  return [...servers.matchAll(/at ((?:tcp|ssl):\S+?)[\s)]/g)].map((m) => m[1]);
}

const ROLE_ORDER: HostRole[] = ['control', 'compute', 'gateway', 'external', 'router'];

/**
 * An OVN deployment found from its databases and its hosts: chassis from the southbound DB (their
 * system-ids, hostnames, tunnel endpoints), each chassis' OVS settings over SSH (integration bridge,
 * bridge mappings, gateway option, the interface carrying its tunnels), the control hosts from the
 * connection strings (Raft members and ovn-northd found on them). What cannot be found is a note.
 */
export async function discoverOvn(request: DiscoveryRequest): Promise<Discovery> {
  const notes: string[] = [];
  const sb = new Southbound(request.southbound);
  const [chassis, encaps] = await Promise.all([sb.find('Chassis', ['name', 'hostname', 'encaps', 'other_config']), sb.find('Encap', ['_uuid', 'type', 'ip'])]);
  if (!chassis.length) throw new NetvetError(`the southbound DB at ${request.southbound} lists no chassis`, 'point --sb at the southbound DB of a deployment whose chassis run ovn-controller');
  const encapById = new Map(encaps.map((e) => [String(e._uuid), { type: String(e.type), ip: String(e.ip) }]));
  const pool = new SshPool({ connectTimeoutMs: 5000 });
  const reach = (address: string) => pool.shell({ host: address, port: request.ssh.port, username: request.ssh.user, privateKeyPath: request.ssh.privateKey });
  try {
    const hosts: TargetHost[] = [];
    const underlayMtus: number[] = [];
    const named = (address: string, fallback: string) => Object.entries(request.names).find(([, a]) => a === address)?.[0] ?? fallback;
    const kinds = new Map<string, number>();
    for (const row of chassis) {
      const tunnels = String(row.encaps).split(' ').flatMap((id) => encapById.get(id) ?? []);
      const endpoint = tunnels[0]?.ip;
      for (const t of tunnels) kinds.set(t.type, (kinds.get(t.type) ?? 0) + 1);
      const hostname = String(row.hostname || row.name);
      // Inventories name hosts short (hv-a); OVN reports the FQDN the host gave itself.
      const short = hostname.split('.')[0];
      const management = request.names[hostname] ?? request.names[short] ?? endpoint;
      if (!management) {
        notes.push(`chassis '${row.name}' announces no tunnel endpoint and no --host ${hostname}=ADDRESS was given: left out`);
        continue;
      }
      try {
        const shell = reach(management);
        const ids = await externalIds(shell);
        const gateway = /enable-chassis-as-gw/.test(ids['ovn-cms-options'] ?? '') || /enable-chassis-as-gw/.test(String(row.other_config));
        const data = endpoint ? await dataInterface(shell, endpoint) : undefined;
        if (data) underlayMtus.push(await underlayMtu(shell, data));
        hosts.push({
          name: named(management, short),
          roles: gateway ? ['gateway'] : ['compute'],
          management,
          hostKey: await hostKey(management, request.ssh.port),
          ...(endpoint && data ? { data: { address: endpoint, interface: data.interface, uplinks: data.uplinks } } : {}),
          integrationBridge: ids['ovn-bridge'] ?? 'br-int',
        });
        if (ids['system-id'] !== row.name) notes.push(`chassis '${row.name}' on ${management} has system-id '${ids['system-id']}': netvet uses the southbound name`);
        if (gateway && ids['ovn-bridge-mappings']) notes.push(`gateway ${hostname} maps ${ids['ovn-bridge-mappings']}: the first physical network is the external one`);
        if (gateway) request.physicalNetwork ??= ids['ovn-bridge-mappings']?.split(',')[0]?.split(':')[0];
      } catch (error) {
        notes.push(`chassis '${row.name}' (${hostname}) at ${management} could not be read over SSH: ${error instanceof Error ? error.message : String(error)}; give --host ${hostname}=ADDRESS for its management address`);
      }
    }
    const controls = [...new Set([...remoteAddresses(request.northbound), ...remoteAddresses(request.southbound)])];
    const members = { northboundCluster: [] as Array<{ host: string; address: string }>, southboundCluster: [] as Array<{ host: string; address: string }> };
    const northd: string[] = [];
    for (const [i, address] of controls.entries()) {
      const name = named(address, `ctl${i + 1}`);
      try {
        const shell = reach(address);
        const [nb, sbMembers, northdStatus] = await Promise.all([
          raftMembers(shell, 'ovnnb_db', 'OVN_Northbound'),
          raftMembers(shell, 'ovnsb_db', 'OVN_Southbound'),
          shell.exec(NORTHD_STATUS, { timeoutMs: 5000 }),
        ]);
        // A member is where its Raft address's IP is this host's: the cluster lists every member, each host keeps its own.
        const own = (list: string[]) => list.filter((m) => remoteAddresses(m).includes(address));
        members.northboundCluster.push(...own(nb).map((a) => ({ host: name, address: a })));
        members.southboundCluster.push(...own(sbMembers).map((a) => ({ host: name, address: a })));
        if (northdStatus.code === 0) northd.push(name);
        hosts.push({ name, roles: ['control'], management: address, hostKey: await hostKey(address, request.ssh.port) });
      } catch (error) {
        notes.push(`control host at ${address} could not be read over SSH (${error instanceof Error ? error.message : String(error)}): its Raft role and ovn-northd are not checked`);
      }
    }
    if (!northd.length) notes.push('no ovn-northd answered on the control hosts: list the hosts that run it in ovn.northd');
    for (const [name, address] of Object.entries(request.names).filter(([, a]) => !hosts.some((h) => h.management === a))) {
      hosts.push({ name, roles: ['external'], management: address, hostKey: await hostKey(address, request.ssh.port) });
      notes.push(`host ${name} (${address}) is no chassis and no database server: written as an external host; change its roles if it is something else`);
    }
    hosts.sort((a, b) => ROLE_ORDER.indexOf(a.roles[0]) - ROLE_ORDER.indexOf(b.roles[0]) || a.name.localeCompare(b.name));
    const current = [...kinds].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'geneve';
    if (kinds.size > 1) notes.push(`chassis tunnel with ${[...kinds.keys()].join(' and ')}: the deployment disagrees with itself`);
    const ovn: NonNullable<Target['ovn']> = { northbound: request.northbound, southbound: request.southbound, ...members, northd };
    // What a tenant interface may carry once the tunnel headers are on (as Neutron computes it).
    const overhead = TUNNEL_OVERHEAD[current as Encapsulation];
    const workloadMtu = underlayMtus.length && overhead ? Math.min(...underlayMtus) - overhead : undefined;
    if (!workloadMtu) notes.push('the underlay MTU could not be read: workloads.mtu is left at its default (1500)');
    return { hosts, ovn, ...(workloadMtu ? { workloadMtu } : {}), encapsulation: { current: current as Target['encapsulation']['current'], supported: [...new Set([current, 'geneve', 'vxlan'])] as Target['encapsulation']['supported'] }, physicalNetwork: request.physicalNetwork, notes };
  } finally {
    await pool.close();
  }
}
