import { setTimeout as sleep } from 'node:timers/promises';
import { readFileSync } from 'node:fs';

/** True when the process exists and is not a zombie (a killed process whose parent never reaped it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL for what is still alive after `graceMs`; waits until all are gone. */
export async function terminate(pids: number[], graceMs = 1500): Promise<void> {
  const signal = (pid: number, sig: NodeJS.Signals) => {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  };
  pids.forEach((pid) => signal(pid, 'SIGTERM'));
  const deadline = Date.now() + graceMs;
  let alive = pids.filter(isAlive);
  while (alive.length && Date.now() < deadline) {
    await sleep(20);
    alive = alive.filter(isAlive);
  }
  alive.forEach((pid) => signal(pid, 'SIGKILL'));
  while (alive.length) {
    await sleep(10);
    alive = alive.filter(isAlive);
  }
}
