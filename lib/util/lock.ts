import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetvetError } from './errors';
import { isAlive } from './processes';

function tryLock(file: string): number | undefined {
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return undefined;
  } catch {
    const holder = Number.parseInt(readFileSync(file, 'utf8') || '0', 10);
    if (holder && holder !== process.pid && isAlive(holder)) return holder;
    // Left by a process that died: take it over.
    rmSync(file, { force: true });
    return tryLock(file);
  }
}

/**
 * Runs `body` holding a lock file (between processes of this machine). `wait: false` fails at once
 * when another live process holds it; otherwise waits up to `waitMs`.
 */
export async function withLock<T>(file: string, what: string, body: () => Promise<T>, options: { wait?: boolean; waitMs?: number } = {}): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (;;) {
    const holder = tryLock(file);
    if (holder === undefined) break;
    if (!options.wait || Date.now() > deadline) {
      throw new NetvetError(`${what} is busy: process ${holder} is working on it`, `wait for it to finish, or stop it (kill ${holder})`);
    }
    await sleep(20 + Math.random() * 30);
  }
  try {
    return await body();
  } finally {
    rmSync(file, { force: true });
  }
}
