import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { run } from '../util/exec';
import { hostEnv } from './host-env';
import type { Journal } from './journal';
import { allHosts, type LabHost, type LabPlan } from './plan';

export function clientKeyPath(plan: LabPlan): string {
  return join(plan.dir, 'ssh', 'id_ed25519');
}

function hostKeyPath(host: LabHost): string {
  return join(host.dir, 'ssh_host_ed25519_key');
}

async function keygen(path: string, comment: string): Promise<void> {
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
}

/** The runner's login key and one host key per host; the public host keys are pinned in the target file. */
export async function generateKeys(plan: LabPlan): Promise<Map<string, string>> {
  await mkdir(join(plan.dir, 'ssh'), { recursive: true, mode: 0o700 });
  await keygen(clientKeyPath(plan), `netvet-runner@${plan.name}`);
  await writeFile(join(plan.dir, 'ssh', 'authorized_keys'), await readFile(clientKeyPath(plan) + '.pub'), { mode: 0o600 });
  const hosts = allHosts(plan);
  await Promise.all(hosts.map((host) => keygen(hostKeyPath(host), `${host.name}@netvet-${plan.name}`)));
  const pinned = new Map<string, string>();
  for (const host of hosts) {
    const [type, key] = (await readFile(hostKeyPath(host) + '.pub', 'utf8')).trim().split(/\s+/);
    pinned.set(host.name, `${type} ${key}`);
  }
  return pinned;
}

function sshdConfig(plan: LabPlan, host: LabHost): string {
  // HOME is the host's own directory: the runner machine's ~/.bashrc (which bash sources for SSH
  // commands) belongs to the machine, not to this host, and can cost tens of ms per command.
  const env = Object.entries({ ...hostEnv(host), HOME: host.dir }).map(([k, v]) => `${k}=${v}`);
  return [
    `ListenAddress ${host.management}:22`,
    `HostKey ${hostKeyPath(host)}`,
    `PidFile ${join(host.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(plan.dir, 'ssh', 'authorized_keys')}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'PrintMotd no',
    // A test opens many channels at once on one pooled connection.
    'MaxSessions 64',
    'MaxStartups 100:30:200',
    'ClientAliveInterval 15',
    'LogLevel ERROR',
    `SetEnv ${env.join(' ')}`,
    '',
  ].join('\n');
}

/** A real sshd in each host namespace, with the host's own hostname (a UTS namespace of its own). */
export async function startSshd(plan: LabPlan, host: LabHost, journal: Journal): Promise<void> {
  const config = join(host.dir, 'sshd_config');
  await writeFile(config, sshdConfig(plan, host));
  await mkdir('/run/sshd', { recursive: true });
  journal.record({ kind: 'daemon', host: host.name, pidfile: join(host.dir, 'sshd.pid') });
  // nsenter, not `ip netns exec`: the latter gives a private mount namespace, and namespaces that
  // SSH sessions create (workloads) would then be invisible outside the session.
  await run([
    'nsenter', `--net=/run/netns/${host.netns}`, 'unshare', '--uts', '--', 'sh', '-c', 'hostname "$1"; shift; exec "$@"', 'sh', host.name,
    '/usr/sbin/sshd', '-f', config, '-E', join(host.dir, 'sshd.log'),
  ]);
}

/** True once the address answers with an SSH banner. */
export function sshAnswers(address: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port: 22, timeout: timeoutMs });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (chunk) => finish(chunk.toString().startsWith('SSH-')));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}
