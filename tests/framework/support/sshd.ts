import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { Fixtures } from '@playwright/test';
import type { SshTarget } from '../../../lib/access';
import { run } from '../../../lib/util/exec';

/** A real OpenSSH server on 127.0.0.1 with its own keys, config and log, for one worker. */
export interface Sshd {
  readonly port: number;
  /** Logs in as this machine's user with the generated client key; the host key is pinned. */
  readonly target: SshTarget;
  readonly dir: string;
  /** Logins sshd accepted so far: one per TCP connection a client opened. */
  logins(): number;
  /** Kills every per-connection sshd process: the server side of all open connections drops. */
  killSessions(): Promise<void>;
  stop(): Promise<void>;
}

export interface SshdFixtures {
  sshd: Sshd;
  /** A second server, to reach `sshd` through it. */
  jumpSshd: Sshd;
}

/** One server per worker, started when a test first asks for it and stopped with the worker. */
async function serveSshd({}: object, use: (sshd: Sshd) => Promise<void>): Promise<void> {
  const sshd = await startSshd();
  await use(sshd);
  await sshd.stop();
}

export const sshdFixtures: Fixtures<object, SshdFixtures> = {
  sshd: [serveSshd, { scope: 'worker' }],
  jumpSshd: [serveSshd, { scope: 'worker' }],
};

const SSHD = '/usr/sbin/sshd';

export async function startSshd(): Promise<Sshd> {
  const dir = await mkdtemp(join(tmpdir(), 'netvet-sshd-'));
  try {
    await mkdir('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
    for (const name of ['host_key', 'client_key']) {
      await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `netvet-${name}`, '-f', join(dir, name)]);
    }
    await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'client_key.pub')));
    const hostKey = (await readFile(join(dir, 'host_key.pub'), 'utf8')).trim();
    // The free port can be taken between the check and sshd's bind: then try another.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const started = await launch(dir, port);
      if ('child' in started) {
        const target = { host: '127.0.0.1', port, username: userInfo().username, privateKeyPath: join(dir, 'client_key'), hostKey };
        return handle(dir, port, target, started.child, started.log);
      }
      if (!/Address already in use|Cannot bind any address/.test(started.log) || attempt === 5) {
        throw new Error(`sshd did not start on 127.0.0.1:${port}:\n${started.log}`);
      }
    }
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Starts sshd and resolves once it listens (its own log line), or with the log if it exited. */
async function launch(dir: string, port: number): Promise<{ child: ChildProcess; log: string[] } | { log: string }> {
  const config = join(dir, `sshd_config.${port}`);
  await writeFile(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${join(dir, 'host_key')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'AllowTcpForwarding yes',
      'MaxSessions 10',
      // bash sources ~/.bashrc for an SSH command only while SHLVL is unset or 0: keep this machine's
      // own startup files (root's pyenv init here, ~100 ms a command) out of tests and timings.
      'SetEnv SHLVL=1',
      'LogLevel INFO',
      '',
    ].join('\n'),
  );
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  const log: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => log.push(chunk));
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve({ log: `${log.join('')}\n(no "Server listening" within 10 s)` });
    }, 10_000);
    const listening = (): void => {
      if (!log.join('').includes(`Server listening on 127.0.0.1 port ${port}`)) return;
      clearTimeout(timer);
      child.off('exit', exited);
      resolve({ child, log });
    };
    const exited = (): void => {
      clearTimeout(timer);
      child.stderr.off('data', listening);
      resolve({ log: log.join('') });
    };
    child.stderr.on('data', listening);
    child.once('exit', exited);
  });
}

function handle(dir: string, port: number, target: SshTarget, child: ChildProcess, log: string[]): Sshd {
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // If the worker dies without teardown, do not leave a listening sshd behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const killSessions = async (): Promise<void> => {
    for (const session of await descendants(pid)) {
      try {
        process.kill(session, 'SIGKILL');
      } catch {
        // Already gone with its parent.
      }
    }
  };
  return {
    port,
    target,
    dir,
    logins: () => log.join('').match(/Accepted publickey for /g)?.length ?? 0,
    killSessions,
    async stop() {
      process.off('exit', killOnExit);
      // The listener leaves open sessions running when it stops, so end them first.
      await killSessions();
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Processes below `root`, from /proc (each session is a child of the listener, its shell below). */
async function descendants(root: number): Promise<number[]> {
  const parents = new Map<number, number>();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Fields after the command name, which is in parentheses and may itself contain them.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid) parents.set(Number(name), ppid);
  }
  const found: number[] = [];
  const walk = (parent: number): void => {
    for (const [pid, ppid] of parents) {
      if (ppid === parent) {
        found.push(pid);
        walk(pid);
      }
    }
  };
  walk(root);
  return found;
}
