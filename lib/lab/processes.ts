import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../util/exec';
import { isAlive } from '../util/processes';

/** The PID in a pid file, if the file exists and holds one. */
export function readPidfile(pidfile: string): number | undefined {
  if (!existsSync(pidfile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidfile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return undefined;
  }
}

/** True when the process is alive and its command line names `marker` (a path only the lab uses). */
export function isOurs(pid: number, marker: string): boolean {
  return commandLine(pid)?.includes(marker) ?? false;
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

/** PIDs of every process inside a network namespace (empty when the namespace is gone). */
export async function pidsInNetns(netns: string): Promise<number[]> {
  const { stdout } = await run(['ip', 'netns', 'pids', netns], { allowFail: true });
  return stdout.split(/\s+/).filter(Boolean).map(Number).filter((pid) => pid !== process.pid);
}
