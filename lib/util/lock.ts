import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetvetError } from './errors';
import { isAlive } from './processes';

function holderOf(file: string): number | undefined {
  try {
    return Number.parseInt(readFileSync(file, 'utf8'), 10);
  } catch {
    return undefined;
  }
}

/**
 * Takes the lock by hard-linking a file that already holds our PID: the lock file appears with its
 * content in one step, so nobody ever reads an empty one. Returns the live holder's PID when busy.
 */
function tryLock(file: string): number | undefined {
  const mine = `${file}.${process.pid}`;
  writeFileSync(mine, String(process.pid));
  try {
    for (;;) {
      try {
        linkSync(mine, file);
        return undefined;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = holderOf(file);
      if (holder === undefined) continue;
      if (isAlive(holder)) return holder;
      // Left by a process that died: take it over, unless someone else just did.
      if (holderOf(file) === holder) rmSync(file, { force: true });
    }
  } finally {
    rmSync(mine, { force: true });
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
