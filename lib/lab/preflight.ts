import { existsSync } from 'node:fs';
import { NetvetError } from '../util/errors';
import { run } from '../util/exec';
import { missing, type Requirement } from '../util/packages';

/** What the lab runs, by Debian package; `npm run setup` installs them. */
export const LAB_REQUIREMENTS: readonly Requirement[] = [
  { program: 'ovsdb-server', pkg: 'openvswitch-switch' },
  { program: 'ovs-vswitchd', pkg: 'openvswitch-switch' },
  { program: 'ovs-vsctl', pkg: 'openvswitch-common' },
  { program: 'ovsdb-tool', pkg: 'openvswitch-common' },
  { program: 'ovn-northd', pkg: 'ovn-central' },
  { program: 'ovn-controller', pkg: 'ovn-host' },
  { program: 'ovn-nbctl', pkg: 'ovn-common' },
  { program: 'ovn-sbctl', pkg: 'ovn-common' },
  { program: 'ovn-appctl', pkg: 'ovn-common' },
  { program: '/usr/sbin/sshd', pkg: 'openssh-server' },
  { program: 'ssh-keygen', pkg: 'openssh-client' },
  { program: 'ip', pkg: 'iproute2' },
  { program: 'ethtool', pkg: 'ethtool' },
  { program: 'unshare', pkg: 'util-linux' },
  { program: 'nsenter', pkg: 'util-linux' },
  { program: 'sysctl', pkg: 'procps' },
];

export function requireRoot(what: string): void {
  if (process.getuid?.() !== 0) {
    throw new NetvetError(`${what} needs root: it creates network namespaces, links and routes`, `run it as root (sudo ${process.argv.slice(1).map((a) => a.replace(/^.*\//, '')).join(' ')})`);
  }
}

export function requirePrograms(requirements: readonly Requirement[]): void {
  const absent = missing(requirements);
  if (absent.length) {
    const pkgs = [...new Set(absent.map((r) => r.pkg))];
    throw new NetvetError(
      `missing programs: ${absent.map((r) => r.program).join(', ')}`,
      `run 'npm run setup' (or: apt-get install -y ${pkgs.join(' ')})`,
    );
  }
}

/** Kernel features the lab cannot work without: network namespaces, veth, TUN (userspace datapath ports). */
export async function requireKernelFeatures(): Promise<void> {
  if (!existsSync('/proc/self/ns/net')) {
    throw new NetvetError('this kernel has no network namespaces', 'use a kernel built with CONFIG_NET_NS (any Debian kernel)');
  }
  if (!existsSync('/dev/net/tun')) {
    throw new NetvetError('/dev/net/tun is missing: the OVS userspace datapath needs TUN/TAP', 'load the module (modprobe tun) or, in a container, pass the device in');
  }
  const veth = await run(['ip', 'link', 'help', 'veth'], { allowFail: true });
  if (!/veth/i.test(veth.stdout + veth.stderr)) {
    throw new NetvetError('iproute2 cannot create veth links', 'install iproute2 and a kernel with veth (CONFIG_VETH)');
  }
}
