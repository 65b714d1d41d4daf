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
