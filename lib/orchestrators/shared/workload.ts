import { z } from 'zod';
import { namespaceShell, type Shell } from '../../access';
import type { TargetHosts } from '../../target/hosts';
import { responderArgv, SSH_PORT } from '../../traffic/responder';
import { NetvetError } from '../../util/errors';
import { CommandError } from '../../util/exec';
import type { RunJournal } from '../journal';
import { configureByDhcp } from './dhcp-client';

export interface WorkloadPortSpec {
  /** Chassis end of the veth, plugged into the integration bridge. */
  tap: string;
  /** Interface name inside the workload. */
  iface: string;
  mac: string;
  address: string;
  prefixLength: number;
  /** The OVN logical switch port it binds (OVS external_ids:iface-id), as Nova/os-vif do. */
  logicalPort: string;
  /** Address, MTU and routes come by DHCP instead (with port 0, the default route too). */
  dhcp: boolean;
}

export interface WorkloadSpec {
  netns: string;
  hostname: string;
  mtu: number;
  forwarding: boolean;
  ports: WorkloadPortSpec[];
  defaultGateway: string | null;
  routes: Array<{ destination: string; nexthop: string }>;
  /** Marks its OVS ports, so a sweep finds them by prefix. */
  runPrefix: string;
  /** Directory on the host for the workload's sshd and responder files. */
  dir: string;
  integrationBridge: string;
  authorizedKey: string;
}

async function must(host: Shell, argv: string[], input?: string): Promise<string> {
  const result = await host.exec(argv, { input, timeoutMs: 20_000 });
  if (result.code !== 0) throw new CommandError([`${host.name}:`, ...argv], result);
  return result.stdout;
}

/**
 * A workload ("VM") on a chassis: its own network namespace and hostname, a veth per port plugged
 * into the integration bridge with the logical port's id, addresses and routes, sshd, and a
 * responder for probes. Everything goes through the host's shell (SSH), as on a real hypervisor.
 * Returns the workload's pinned SSH host key.
 */
export async function plugWorkload(host: Shell, spec: WorkloadSpec): Promise<string> {
  const { netns } = spec;
  await must(host, ['ip', 'netns', 'add', netns]);
  await must(host, ['ip', 'netns', 'exec', netns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1',
    `net.ipv4.ip_forward=${spec.forwarding ? 1 : 0}`, 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
  for (const port of spec.ports) {
    await must(host, ['ip', 'link', 'add', port.tap, 'type', 'veth', 'peer', 'name', port.iface, 'netns', netns]);
    await must(host, ['ip', 'link', 'set', port.tap, 'up']);
    // The userspace datapath does not complete checksums left to veth offload.
    await must(host, ['ip', 'netns', 'exec', netns, 'ethtool', '-K', port.iface, 'tx', 'off']);
  }
  const lines = [
    'link set lo up',
    ...spec.ports.flatMap((p) =>
      p.dhcp
        ? [`link set ${p.iface} address ${p.mac} up`]
        : [`link set ${p.iface} address ${p.mac} mtu ${spec.mtu} up`, `addr add ${p.address}/${p.prefixLength} dev ${p.iface}`],
    ),
    ...(spec.defaultGateway && !spec.ports[0]?.dhcp ? [`route add default via ${spec.defaultGateway}`] : []),
  ];
  await must(host, ['ip', '-n', netns, '-batch', '-'], lines.join('\n') + '\n');
  await must(host, [
    'ovs-vsctl',
    ...spec.ports.flatMap((p) => [
      '--', 'add-port', spec.integrationBridge, p.tap,
      '--', 'set', 'interface', p.tap, `external_ids:iface-id=${p.logicalPort}`, `external_ids:netvet-run=${spec.runPrefix}`,
    ]),
  ]);
  // DHCP needs the port plugged; static routes may go through a DHCP-configured port, so they come after.
  for (const port of spec.ports.filter((p) => p.dhcp)) await configureByDhcp(host, netns, spec.dir, port.iface);
  if (spec.routes.length) await must(host, ['ip', '-n', netns, '-batch', '-'], spec.routes.map((r) => `route add ${r.destination} via ${r.nexthop}\n`).join(''));
  return startServices(host, spec);
}

async function startServices(host: Shell, spec: WorkloadSpec): Promise<string> {
  const { dir } = spec;
  await must(host, ['mkdir', '-p', dir]);
  await must(host, ['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', spec.hostname, '-f', `${dir}/host_key`]);
  await must(host, ['tee', `${dir}/authorized_keys`], spec.authorizedKey);
  const config = [
    `ListenAddress 0.0.0.0:${SSH_PORT}`,
    `HostKey ${dir}/host_key`,
    `PidFile ${dir}/sshd.pid`,
    `AuthorizedKeysFile ${dir}/authorized_keys`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'MaxSessions 64',
    'LogLevel ERROR',
    `SetEnv HOME=${dir}`,
    '',
  ].join('\n');
  await must(host, ['tee', `${dir}/sshd_config`], config);
  // One UTS namespace for both daemons: the workload answers with its own hostname.
  await must(host, [
    'ip', 'netns', 'exec', spec.netns, 'unshare', '--uts', '--', 'sh', '-c',
    'hostname "$1" && /usr/sbin/sshd -f "$2" && shift 2 && exec "$@"',
    'sh', spec.hostname, `${dir}/sshd_config`, ...responderArgv(spec.hostname, `${dir}/responder.pid`),
  ]);
  const [type, key] = (await must(host, ['cat', `${dir}/host_key.pub`])).trim().split(/\s+/);
  return `${type} ${key}`;
}

/** Removes a workload: its processes, namespace (and with it the veths), OVS ports and files. */
export async function unplugWorkload(host: Shell, workload: { netns: string; taps: string[]; dir: string; integrationBridge: string }): Promise<void> {
  const pids = (await host.exec(['ip', 'netns', 'pids', workload.netns])).stdout.split(/\s+/).filter(Boolean);
  if (pids.length) await host.exec(['kill', '-9', ...pids]);
  await host.exec(['ip', 'netns', 'del', workload.netns]);
  await host.exec(['ovs-vsctl', ...workload.taps.flatMap((tap) => ['--', '--if-exists', 'del-port', workload.integrationBridge, tap])]);
  if (workload.dir.startsWith('/run/netvet/')) await host.exec(['rm', '-rf', workload.dir]);
}

/**
 * Removes what a killed run left on one host: workload namespaces starting with `namespacePrefix`
 * and OVS ports marked with a run prefix starting with `runPrefix`. Returns what it removed.
 */
export async function sweepWorkloads(host: Shell, namespacePrefix: string, runPrefix: string, integrationBridge: string): Promise<string[]> {
  const namespaces = (await host.exec(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]).filter((ns) => ns.startsWith(namespacePrefix));
  const ports = (await host.exec(['ovs-vsctl', '--format=csv', '--no-headings', '--columns=name,external_ids', 'list', 'interface'])).stdout
    .split('\n')
    .filter((line) => new RegExp(`netvet-run="?${runPrefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(line))
    .map((line) => line.split(',')[0]);
  for (const netns of namespaces) await unplugWorkload(host, { netns, taps: [], dir: `/run/netvet/workloads/${netns}`, integrationBridge });
  if (ports.length) await host.exec(['ovs-vsctl', ...ports.flatMap((p) => ['--', '--if-exists', 'del-port', integrationBridge, p])]);
  return [...namespaces.map((ns) => `workload namespace ${ns}`), ...ports.map((p) => `OVS port ${p}`)];
}

/** The undo record both drivers journal for a workload namespace they plug. */
export const workloadUndo = z.object({ workload: z.object({ host: z.string(), netns: z.string(), taps: z.array(z.string()), dir: z.string() }).strict() }).strict();

/**
 * A kept deployment's workload found again (reattach): the host and namespace its run journal
 * placed it in (both drivers journal `{ workload: { host, netns, dir, ... } }`), a shell in it, and
 * its SSH host key. Fails, naming the fix, when the journal has no such workload or it is gone.
 */
export async function findKeptWorkload(hosts: TargetHosts, journal: RunJournal, workload: string): Promise<{ host: string; shell: Shell; hostKey: string }> {
  const placed = journal.undoEntries(z.unknown()).flatMap((e) => {
    const parsed = workloadUndo.safeParse(e.undo);
    return parsed.success ? [parsed.data.workload] : [];
  });
  const record = placed.find((r) => r.netns.endsWith(`${journal.prefix}${workload}`));
  const destroy = `destroy it and apply it again: netvet topology destroy --prefix ${journal.prefix}`;
  if (!record) throw new NetvetError(`the journal of ${journal.prefix} places no workload ${workload}`, `the deployment was not fully built: ${destroy}`);
  const host = hosts.shell(record.host);
  const key = await host.exec(['cat', `${record.dir}/host_key.pub`]);
  if (key.code !== 0) throw new NetvetError(`workload ${workload} of ${journal.prefix} is gone from ${record.host}`, destroy);
  return { host: record.host, shell: namespaceShell(host, record.netns), hostKey: key.stdout.trim().split(/\s+/).slice(0, 2).join(' ') };
}
