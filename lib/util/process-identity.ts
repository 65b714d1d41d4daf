import { readFileSync } from 'node:fs';
import { NetvetError } from './errors';
import { isAlive } from './processes';

/**
 * A process as it can be recognised later: its PID and its start time (clock ticks after boot,
 * field 22 of /proc/<pid>/stat). A PID alone may be reused by an unrelated process once the first
 * one is gone; the pair is not.
 */
export interface ProcessIdentity {
  pid: number;
  started: number;
}

function startTime(pid: number): number | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const started = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isInteger(started) ? started : undefined;
  } catch {
    return undefined;
  }
}

/** The identity of a running process; an error naming the PID when there is none. */
export function identify(pid: number): ProcessIdentity {
  const started = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? startTime(pid) : undefined;
  if (started === undefined) throw new NetvetError(`no process ${pid} is running on this machine`, 'give the PID of a running process (the test runner that owns what is made)');
  return { pid, started };
}

/** True while that very process runs: same PID, same start time, not a zombie. */
export function stillRunning(owner: ProcessIdentity): boolean {
  return isAlive(owner.pid) && startTime(owner.pid) === owner.started;
}
