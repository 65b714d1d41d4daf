import { NetvetError } from './errors';
import { run } from './exec';

/**
 * Debian packages netvet needs: the lab (OVS, OVN, sshd), probes and captures in workloads and on
 * hosts (ping, socat, curl, tcpdump, python3), and the browser for GUI tests.
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
  'socat',
  'curl',
  'python3',
  'nftables',
  'iperf3',
  // DHCP inside lab workloads (ports configured by OVN's DHCP server).
  'isc-dhcp-client',
];

/** The OpenStack lab profile and GUI tests: Keystone, Neutron, MariaDB, Horizon, and the browser. Only `setup --openstack`. */
export const OPENSTACK_PACKAGES = ['keystone', 'neutron-server', 'mariadb-server', 'openstack-dashboard', 'python3-openstackclient', 'chromium'];

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
  await run(['apt-get', 'update', '-qq'], { env, timeoutMs: 600_000 });
  await run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...wanted], { env, timeoutMs: 1_200_000 });
  return wanted;
}
