import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../../lib/util/exec';

export interface PostgresServer {
  /** Over loopback TCP: `postgres://netvet@127.0.0.1:PORT/netvet`. */
  tcpUrl: string;
  /** Over the unix socket in the server's own folder. */
  socketUrl: string;
  port: number;
}

/** The newest PostgreSQL server Debian installed (`netvet setup --postgresql`): /usr/lib/postgresql/N/bin. */
function serverBin(): string {
  const versions = readdirSync('/usr/lib/postgresql').map(Number).filter(Boolean).sort((a, b) => b - a);
  if (!versions.length) throw new Error('no PostgreSQL server in /usr/lib/postgresql: run `netvet setup --postgresql`');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** A free loopback TCP port, as the kernel hands one out. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * A PostgreSQL server of the test's own: a fresh cluster in a temporary folder, run as the
 * unprivileged `postgres` user (root cannot run one), on its own unix socket and a free loopback
 * port; stopped and removed whatever happens.
 */
export async function withPostgres(use: (server: PostgresServer) => Promise<void>): Promise<void> {
  const bin = serverBin();
  const dir = mkdtempSync(join(tmpdir(), 'netvet-pg-'));
  const asServerUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
  if (asServerUser.length) chownSync(dir, Number((await run(['id', '-u', 'postgres'])).stdout), Number((await run(['id', '-g', 'postgres'])).stdout));
  const data = join(dir, 'data');
  const port = await freePort();
  try {
    await run([...asServerUser, `${bin}/initdb`, '-D', data, '-U', 'netvet', '--auth=trust', '--no-sync', '-E', 'UTF8'], { timeoutMs: 120_000 });
    await run(
      [...asServerUser, `${bin}/pg_ctl`, '-D', data, '-l', join(dir, 'server.log'), '-w', '-o', `-k ${dir} -p ${port} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start'],
      { timeoutMs: 60_000 },
    );
    try {
      await run([`${bin}/createdb`, '-h', dir, '-p', String(port), '-U', 'netvet', 'netvet']);
      await use({ port, tcpUrl: `postgres://netvet@127.0.0.1:${port}/netvet`, socketUrl: `postgres://netvet@/netvet?host=${encodeURIComponent(dir)}&port=${port}` });
    } finally {
      await run([...asServerUser, `${bin}/pg_ctl`, '-D', data, '-m', 'immediate', '-w', 'stop'], { timeoutMs: 60_000, allowFail: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
