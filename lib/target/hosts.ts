import { SshPool, type Shell, type SshTarget } from '../access';
import { NetvetError } from '../util/errors';
import type { HostRole, Target, TargetHost } from './schema';

/** The target's hosts, reached over pooled SSH exactly as its file says. */
export class TargetHosts {
  private readonly pool = new SshPool();

  constructor(readonly target: Target) {}

  get(name: string): TargetHost {
    const host = this.target.hosts.find((h) => h.name === name);
    if (!host) {
      throw new NetvetError(`the target '${this.target.name}' has no host '${name}'`, `use one of: ${this.target.hosts.map((h) => h.name).join(', ')}`);
    }
    return host;
  }

  withRole(role: HostRole): TargetHost[] {
    return this.target.hosts.filter((h) => h.roles.includes(role));
  }

  /**
   * The interface tunnel traffic crosses on a host, where captures look: its first uplink, else its
   * data interface. No default: a guessed name captures nothing and the verdict would lie.
   */
  underlayInterface(name: string): string {
    const host = this.get(name);
    const iface = host.data?.uplinks[0] ?? host.data?.interface;
    if (!iface) {
      throw new NetvetError(
        `target '${this.target.name}' names no interface that carries tunnel traffic on ${name}`,
        `add hosts[].data.interface (and hosts[].data.uplinks if the traffic leaves through a bridge's uplink) to ${name} in the target file`,
      );
    }
    return iface;
  }

  sshTarget(name: string): SshTarget {
    const host = this.get(name);
    const { ssh } = this.target.access;
    return { host: host.management, port: ssh.port, username: ssh.user, privateKeyPath: ssh.privateKey, hostKey: host.hostKey };
  }

  shell(name: string): Shell {
    return this.pool.shell(this.sshTarget(name));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
