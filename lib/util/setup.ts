import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { NetvetError } from './errors';
import { run } from './exec';

/**
 * Debian packages netvet needs: the lab (OVS, OVN, sshd), probes and captures in workloads and on
 * hosts (ping, tcpdump, python3, nftables counters), and DHCP clients in workloads.
 */
export const DEBIAN_PACKAGES = [
  'openvswitch-switch',
  'ovn-central',
  'ovn-host',
  'openssh-server',
  'openssh-client',
  'iproute2',
  'ethtool',
  'iputils-ping',
  'util-linux',
  'procps',
  'tcpdump',
  'python3',
  // Compiles better-sqlite3 (the run ledger), which npm cannot download prebuilt here.
  'build-essential',
  'nftables',
  // DHCP inside lab workloads (ports configured by OVN's DHCP server).
  'isc-dhcp-client',
  // `netvet risk` reads the product repository's changes.
  'git',
  // The performance tier: throughput, loss and jitter (iperf3 --json), transaction rate and
  // request/response latency (sockperf ping-pong).
  'iperf3',
  'sockperf',
];

/**
 * Answers to Debian's install-time questions, given before apt-get runs: iperf3 asks whether to run
 * a machine-wide daemon on port 5201; netvet starts its own iperf3 servers in lab namespaces instead.
 */
const DEBCONF_ANSWERS = ['iperf3 iperf3/start_daemon boolean false'];

/**
 * The OpenStack lab profiles and GUI tests: Keystone, Neutron, MariaDB, Horizon, Nova (API,
 * conductor, scheduler; nova-compute runs from python3-nova with the fake driver), placement,
 * Glance, RabbitMQ, and the browser. Only `setup --openstack`.
 */
export const OPENSTACK_PACKAGES = [
  'keystone',
  'neutron-server',
  'mariadb-server',
  'openstack-dashboard',
  'python3-openstackclient',
  'chromium',
  'rabbitmq-server',
  'placement-api',
  'glance-api',
  'nova-api',
  'nova-conductor',
  'nova-scheduler',
];

/**
 * A PostgreSQL server, for the tests of the shared run ledger (they start their own cluster as an
 * unprivileged process; the machine-wide service is held back). Only `setup --postgresql`.
 */
export const POSTGRESQL_PACKAGES = ['postgresql'];

/**
 * The BGP VPN lab profile: BaGPipe BGP (one bagpipe-bgp per compute chassis, its OVS dataplane
 * driver pushing MPLS labels over L3 GRE ports) and gobgpd as the route reflector (a single Go
 * binary that reflects labeled VPN routes without kernel MPLS). Only `setup --bgpvpn`.
 */
export const BGPVPN_PACKAGES = ['python3-networking-bagpipe', 'gobgpd'];

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/**
 * Runs an install with Debian's policy-rc.d saying "do not start" (exit 101): packages such as
 * rabbitmq-server and the OpenStack services would otherwise start machine-wide services on fixed
 * ports, where the lab runs its own in namespaces. A policy the machine already has is left alone.
 */
async function withServicesHeldBack<T>(install: () => Promise<T>): Promise<T> {
  if (existsSync(POLICY_RC_D)) return install();
  writeFileSync(POLICY_RC_D, '#!/bin/sh\n# netvet: no service starts while it installs packages\nexit 101\n', { mode: 0o755 });
  try {
    return await install();
  } finally {
    rmSync(POLICY_RC_D, { force: true });
  }
}

async function notInstalled(packages: string[]): Promise<string[]> {
  const { stdout } = await run(['dpkg-query', '-W', '-f', '${Package} ${db:Status-Abbrev}\\n', ...packages], { allowFail: true });
  const installed = new Set(stdout.split('\n').filter((l) => /\sii\s*$/.test(l)).map((l) => l.split(' ')[0]));
  return packages.filter((p) => !installed.has(p));
}

export async function installPackages(progress: (line: string) => void, packages: readonly string[] = DEBIAN_PACKAGES): Promise<string[]> {
  const wanted = await notInstalled([...packages]);
  if (!wanted.length) return [];
  if (process.getuid?.() !== 0) {
    throw new NetvetError(`missing Debian packages: ${wanted.join(' ')}`, `run as root: apt-get install -y ${wanted.join(' ')}`);
  }
  progress(`installing ${wanted.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run(['debconf-set-selections'], { env, input: DEBCONF_ANSWERS.join('\n') + '\n' });
  await run(['apt-get', 'update', '-qq'], { env, timeoutMs: 600_000 });
  // Another apt-get on the machine (a second setup) holds the lock a while: wait for it rather than fail.
  await withServicesHeldBack(() => run(['apt-get', '-o', 'DPkg::Lock::Timeout=600', 'install', '-y', '-qq', '--no-install-recommends', ...wanted], { env, timeoutMs: 1_200_000 }));
  return wanted;
}

const DHCLIENT_PROFILE = '/etc/apparmor.d/sbin.dhclient';

/**
 * Debian's AppArmor profile for dhclient allows only its stock files, but workloads run dhclient
 * with their own lease file and script under /run/netvet: on machines that enforce AppArmor, the
 * profile is disabled the way Debian documents (a link in /etc/apparmor.d/disable, then unloaded).
 */
export async function allowDhclientInWorkloads(progress: (line: string) => void): Promise<void> {
  const enforced = existsSync('/sys/module/apparmor/parameters/enabled') && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  const disabled = '/etc/apparmor.d/disable/sbin.dhclient';
  if (!enforced || !existsSync(DHCLIENT_PROFILE) || existsSync(disabled)) return;
  progress('disabling the AppArmor profile of dhclient (workloads keep their leases under /run/netvet)');
  mkdirSync('/etc/apparmor.d/disable', { recursive: true });
  symlinkSync(DHCLIENT_PROFILE, disabled);
  await run(['apparmor_parser', '-R', DHCLIENT_PROFILE], { allowFail: true });
}

const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * better-sqlite3 (the run ledger) is an optional dependency that npm compiles from source: on a
 * machine that had no compiler at `npm ci`, it is missing or unbuilt. Builds it now that
 * build-essential is installed; returns whether it had to.
 */
export async function buildSqlite(progress: (line: string) => void): Promise<boolean> {
  const works = async () => {
    try {
      const { default: Database } = await import('better-sqlite3');
      new Database(':memory:').close();
      return true;
    } catch {
      return false;
    }
  };
  if (await works()) return false;
  const version = (JSON.parse(readFileSync(`${PACKAGE_ROOT}package.json`, 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies['better-sqlite3'];
  progress(`building better-sqlite3 ${version} (the run ledger) from source`);
  const installed = existsSync(`${PACKAGE_ROOT}node_modules/better-sqlite3/package.json`);
  await run(['npm', '--prefix', PACKAGE_ROOT, ...(installed ? ['rebuild', 'better-sqlite3'] : ['install', '--no-save', '--no-audit', '--no-fund', `better-sqlite3@${version}`])], { timeoutMs: 600_000 });
  return true;
}
