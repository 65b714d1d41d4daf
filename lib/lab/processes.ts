import { existsSync, readFileSync } from 'node:fs';
import { run } from '../util/exec';

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


/** PIDs of every process inside a network namespace (empty when the namespace is gone). */
export async function pidsInNetns(netns: string): Promise<number[]> {
  const { stdout } = await run(['ip', 'netns', 'pids', netns], { allowFail: true });
  return stdout.split(/\s+/).filter(Boolean).map(Number).filter((pid) => pid !== process.pid);
}
