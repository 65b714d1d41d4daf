import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { LocalShell, namespaceShell, quoteArgv, SshPool, type SshPoolOptions, type SshTarget } from '../../../lib/access';
import { describeError, NetvetError } from '../../../lib/util/errors';
import { run } from '../../../lib/util/exec';
import { sshdFixtures } from '../support/sshd';

const test = base.extend(sshdFixtures);

/** Strings a topology value could carry that a shell would otherwise interpret. */
const HOSTILE = [
  "it's",
  "'",
  '$(touch /tmp/netvet-pwned)',
  '`id`',
  'a; echo injected',
  'line1\nline2',
  '',
  ' lead and trail ',
  '*',
  '$HOME ${PATH} "dq" \\ \\\' !x #c ~ & | > <',
  '-n',
  'A=b',
  'ünïcødé',
];

/** A pool per test, closed after it, so connection counts belong to one test. */
async function withPool<T>(use: (pool: SshPool) => Promise<T>, options?: SshPoolOptions): Promise<T> {
  const pool = new SshPool(options);
  try {
    return await use(pool);
  } finally {
    await pool.close();
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<NetvetError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, 'the call should have failed with a NetvetError').toBeInstanceOf(NetvetError);
  return error as NetvetError;
}

test.describe('quoteArgv', () => {
  for (const shell of ['sh', 'bash']) {
    test(`${shell} reads every hostile string back verbatim`, async () => {
      for (const arg of HOSTILE) {
        const { stdout } = await run([shell, '-c', `printf %s ${quoteArgv([arg])}`]);
        expect(stdout).toBe(arg);
      }
      expect(existsSync('/tmp/netvet-pwned')).toBe(false);
    });
  }

  test('quotes the command word too, so it is never a keyword or an assignment', () => {
    expect(quoteArgv(['time', 'A=b', ''])).toBe("'time' 'A=b' ''");
    expect(quoteArgv(["it's"])).toBe(`'it'\\''s'`);
  });

  test('refuses an empty argv and NUL bytes', () => {
    expect(() => quoteArgv([])).toThrow(/empty argv/);
    expect(() => quoteArgv(['a\0b'])).toThrow(/NUL/);
  });
});

test.describe('SshPool against a real sshd', () => {
  test('exec returns stdout, stderr and the exit code', async ({ sshd }) => {
    await withPool(async (pool) => {
      const shell = pool.shell(sshd.target);
      expect(shell.name).toBe(`${sshd.target.username}@127.0.0.1:${sshd.port}`);
      expect(await shell.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
      expect(await shell.exec(['true'])).toEqual({ code: 0, stdout: '', stderr: '' });
      // A command killed by a signal answers 128 + n, as a shell reports it.
      expect((await shell.exec(['sh', '-c', 'kill -TERM $$'])).code).toBe(143);
    });
  });

  test('the exit code of a command that ends at once is never lost', async ({ sshd }) => {
    await withPool(async (pool) => {
      const shell = pool.shell(sshd.target);
      // The reply to exec, the exit status and the close often arrive in one read.
      for (let i = 0; i < 100; i++) expect((await shell.exec(['sh', '-c', 'exit 7'])).code).toBe(7);
    });
  });

  test('hostile argv elements arrive verbatim', async ({ sshd }) => {
    await withPool(async (pool) => {
      const shell = pool.shell(sshd.target);
      for (const arg of HOSTILE) expect((await shell.exec(['printf', '%s', arg])).stdout).toBe(arg);
      expect((await shell.exec(['printf', '%s|', ...HOSTILE])).stdout).toBe(HOSTILE.map((arg) => `${arg}|`).join(''));
      expect(existsSync('/tmp/netvet-pwned')).toBe(false);
    });
  });

  test('input goes to stdin, and without input stdin is closed', async ({ sshd }) => {
    await withPool(async (pool) => {
      const shell = pool.shell(sshd.target);
      const input = "line 1\nline 2 $(id) 'q'\n";
      expect(await shell.exec(['cat'], { input })).toEqual({ code: 0, stdout: input, stderr: '' });
      expect(await shell.exec(['cat'], { timeoutMs: 5_000 })).toEqual({ code: 0, stdout: '', stderr: '' });
    });
  });

  test('a timeout kills the remote command quickly and answers 124', async ({ sshd }) => {
    await withPool(async (pool) => {
      const shell = pool.shell(sshd.target);
      const started = Date.now();
      // Long enough for a loaded machine to print the pid; far shorter than the sleep.
      const result = await shell.exec(['sh', '-c', 'echo $$; exec sleep 30'], { timeoutMs: 2_000 });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(result.code).toBe(124);
      expect(result.stderr).toContain('timed out after 2000 ms');
      // sshd and the client share this machine: the remote sleep must be gone, not left running.
      const remote = Number(result.stdout.trim());
      expect(remote).toBeGreaterThan(0);
      await expect.poll(() => existsSync(`/proc/${remote}`), { timeout: 5_000 }).toBe(false);
      expect((await shell.exec(['echo', 'still usable'])).stdout).toBe('still usable\n');
    });
  });

  test('30 concurrent execs share one connection, at most 8 channels at a time', async ({ sshd }, testInfo) => {
    const before = sshd.logins();
    // Each command appends + when it starts and - when it ends; the running count peaks at the limit.
    const trace = join(sshd.dir, `overlap-${testInfo.testId}`);
    await withPool(async (pool) => {
      const shell = pool.shell(sshd.target);
      const script = 'echo + >> "$1"; sleep 0.5; echo - >> "$1"; echo "$2"';
      const results = await Promise.all(Array.from({ length: 30 }, (_, i) => shell.exec(['sh', '-c', script, 'sh', trace, `${i}`])));
      expect(results.map((result) => result.stdout)).toEqual(Array.from({ length: 30 }, (_, i) => `${i}\n`));
      expect(results.every((result) => result.code === 0)).toBe(true);
    });
    let running = 0;
    let peak = 0;
    for (const mark of (await readFile(trace, 'utf8')).split('\n').filter(Boolean)) {
      running += mark === '+' ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(peak, 'commands running at once').toBe(8);
    expect(sshd.logins() - before, 'TCP connections sshd accepted').toBe(1);
  });

  test('negative control: past sshd MaxSessions (10) a channel is refused with a fix', async ({ sshd }) => {
    await withPool(
      async (pool) => {
        const shell = pool.shell(sshd.target);
        // Ten sessions stay busy far longer than the pool retries a refused channel.
        const settled = await Promise.allSettled(Array.from({ length: 12 }, () => shell.exec(['sleep', '3'])));
        const refused = settled.filter((outcome) => outcome.status === 'rejected').map((outcome) => outcome.reason as unknown);
        expect(refused).toHaveLength(2);
        expect(refused[0]).toBeInstanceOf(NetvetError);
        expect((refused[0] as NetvetError).message).toContain(`refused to open a session channel`);
        expect((refused[0] as NetvetError).fix).toContain('maxChannels');
      },
      { maxChannels: 30 },
    );
  });

  test('a wrong pinned host key is refused, naming the host', async ({ sshd }) => {
    await withPool(async (pool) => {
      const otherKey = (await run(['cat', `${sshd.target.privateKeyPath}.pub`])).stdout.trim();
      const error = await failure(pool.shell({ ...sshd.target, hostKey: otherKey }).exec(['true']));
      expect(error.message).toContain(`127.0.0.1:${sshd.port}`);
      expect(error.message).toMatch(/host key .* is SHA256:\S+, but SHA256:\S+ is pinned/);
      expect(error.fix).toContain('hostKey');
      // Negative control: the right key is accepted.
      expect((await pool.shell(sshd.target).exec(['true'])).code).toBe(0);
    });
  });

  test('a pinned host key that is not a public key is a setup error', async ({ sshd }) => {
    await withPool(async (pool) => {
      const error = await failure(Promise.resolve().then(() => pool.shell({ ...sshd.target, hostKey: 'ssh-ed25519 not-base64' })));
      expect(error.message).toContain('is not an OpenSSH public key');
    });
  });

  test('an unreachable port is a NetvetError with a fix and no stack', async ({ sshd }) => {
    const port = await closedPort();
    await withPool(async (pool) => {
      const error = await failure(pool.shell({ ...sshd.target, port }).exec(['true']));
      expect(error.message).toContain(`${sshd.target.username}@127.0.0.1:${port}`);
      expect(error.message).toContain('ECONNREFUSED');
      expect(error.fix).toContain(`port ${port}`);
      expect(describeError(error)).not.toMatch(/^\s+at /m);
    });
  });

  test('a server that never answers is a connect timeout', async ({ sshd }) => {
    const accepted: Socket[] = [];
    const silent = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    try {
      await withPool(
        async (pool) => {
          const error = await failure(pool.shell({ ...sshd.target, port }).exec(['true']));
          expect(error.message).toBe(`no SSH login to ${sshd.target.username}@127.0.0.1:${port} within 300 ms`);
          expect(error.fix).toContain(`TCP port ${port}`);
        },
        { connectTimeoutMs: 300 },
      );
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('a key the server does not accept is an authentication error', async ({ sshd }) => {
    await withPool(async (pool) => {
      const wrongKey = join(sshd.dir, 'host_key');
      const error = await failure(pool.shell({ ...sshd.target, privateKeyPath: wrongKey }).exec(['true']));
      expect(error.message).toContain(`127.0.0.1:${sshd.port} refused the key ${wrongKey}`);
      expect(error.fix).toContain('authorized_keys');
    });
  });

  test('a jump host carries the connection to the final host', async ({ sshd, jumpSshd }) => {
    const before = { jump: jumpSshd.logins(), final: sshd.logins() };
    await withPool(async (pool) => {
      const shell = pool.shell({ ...sshd.target, jump: jumpSshd.target });
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => shell.exec(['sh', '-c', `echo ${i}; echo $SSH_CONNECTION`])));
      expect(results.map((result) => result.stdout.split('\n')[0])).toEqual(Array.from({ length: 10 }, (_, i) => `${i}`));
      // The final sshd sees the client on its own port: the stream came through the jump host.
      expect(results[0].stdout).toMatch(new RegExp(`^127\\.0\\.0\\.1 \\d+ 127\\.0\\.0\\.1 ${sshd.port}$`, 'm'));
    });
    expect(jumpSshd.logins() - before.jump, 'logins on the jump host').toBe(1);
    expect(sshd.logins() - before.final, 'logins on the final host').toBe(1);
  });

  test('a jump host that cannot reach the final host names both', async ({ jumpSshd, sshd }) => {
    const port = await closedPort();
    await withPool(async (pool) => {
      const target: SshTarget = { ...sshd.target, port, jump: jumpSshd.target };
      const error = await failure(pool.shell(target).exec(['true']));
      expect(error.message).toContain(`jump host ${jumpSshd.target.username}@127.0.0.1:${jumpSshd.port} cannot open a TCP connection to 127.0.0.1:${port}`);
      expect(error.message).toContain(`via ${jumpSshd.target.username}@127.0.0.1:${jumpSshd.port}`);
      expect(error.fix).toContain('AllowTcpForwarding');
    });
  });

  test('reconnects after the server side of the connection is killed', async ({ sshd }) => {
    const before = sshd.logins();
    await withPool(async (pool) => {
      const shell = pool.shell(sshd.target);
      expect((await shell.exec(['echo', 'first'])).stdout).toBe('first\n');
      await sshd.killSessions();
      // Right away, so the request goes out before the client has seen the drop.
      expect((await shell.exec(['echo', 'second'])).stdout).toBe('second\n');
      await sshd.killSessions();
      // And once the client has closed its socket: the pool knows and connects anew.
      const clientSockets = async (): Promise<string> => (await run(['ss', '-Htn', `dport = :${sshd.port}`])).stdout.trim();
      await expect.poll(clientSockets).toBe('');
      expect((await shell.exec(['echo', 'third'])).stdout).toBe('third\n');
    });
    expect(sshd.logins() - before).toBe(3);
  });

  test('a namespace shell runs inside the namespace on the SSH host', async ({ sshd }) => {
    const netns = `nvut-ssh-${process.pid}`;
    await run(['ip', 'netns', 'add', netns]);
    try {
      await withPool(async (pool) => {
        const host = pool.shell(sshd.target);
        const workload = namespaceShell(host, netns);
        expect(workload.name).toBe(`ns:${netns}@${host.name}`);
        expect((await workload.exec(['ip', 'netns', 'identify'])).stdout.trim()).toBe(netns);
        // Negative control: the host itself is not in that namespace.
        expect((await host.exec(['ip', 'netns', 'identify'])).stdout.trim()).toBe('');
        expect((await workload.exec(['printf', '%s', HOSTILE[2]])).stdout).toBe(HOSTILE[2]);
      });
    } finally {
      await run(['ip', 'netns', 'del', netns]);
    }
  });
});

test.describe('LocalShell', () => {
  test('runs argv here, answering like a shell', async () => {
    const local = new LocalShell();
    expect(await local.exec(['sh', '-c', 'cat; echo err >&2; exit 7'], { input: 'in' })).toEqual({ code: 7, stdout: 'in', stderr: 'err\n' });
    expect((await local.exec(['netvet-no-such-command'])).code).toBe(127);
    expect((await local.exec(['sleep', '30'], { timeoutMs: 200 })).code).toBe(124);
  });
});
