import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { NetvetError } from '../util/errors';
import { isAlive } from './processes';

/** One `lab up`/`lab down` at a time per lab; a lock left by a killed run is taken over. */
export async function withLock<T>(file: string, what: string, body: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      break;
    } catch {
      const holder = Number.parseInt(readFileSync(file, 'utf8') || '0', 10);
      if (holder && isAlive(holder) && holder !== process.pid) {
        throw new NetvetError(`${what} is busy: process ${holder} is working on it`, `wait for it to finish, or stop it (kill ${holder})`);
      }
      if (attempt > 2) throw new NetvetError(`cannot take the lock ${file}`, `remove ${file}`);
      rmSync(file, { force: true });
    }
  }
  try {
    return await body();
  } finally {
    rmSync(file, { force: true });
  }
}
