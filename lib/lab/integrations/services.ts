import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { NetvetError } from '../../util/errors';
import { isAlive } from '../../util/processes';
import type { Journal } from '../journal';
import type { LabHost } from '../plan';

/** Debian's interpreter: OpenStack's Python packages are installed for it, not for one on PATH (pyenv). */
export const PYTHON = '/usr/bin/python3';

/**
 * Starts a service in the foreground inside a lab host's namespace; its PID is journaled (by pid
 * file) before anything else, and `ip netns exec` execs the program itself, so that PID is the
 * service's. Its command line must name the lab's folder (a config file there), which is how
 * `lab down` knows the process is the lab's.
 */
export async function startService(journal: Journal, host: LabHost, name: string, argv: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<number> {
  const pidfile = join(host.dir, `${name}.pid`);
  journal.record({ kind: 'daemon', host: host.name, pidfile });
  const log = openSync(join(host.dir, `${name}.out`), 'a');
  const child = spawn('ip', ['netns', 'exec', host.netns, ...argv], { detached: true, stdio: ['ignore', log, log], cwd: options.cwd, env: options.env ?? process.env });
  closeSync(log);
  await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  await writeFile(pidfile, `${child.pid}\n`);
  child.unref();
  return child.pid!;
}

/** Polls `ready` until it holds; fails early, with the log's last lines, when the service died. */
export async function waitFor(what: string, pid: number, log: string, ready: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready().catch(() => false))) {
    const tail = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').slice(-5).join('\n    ') : '(no log)');
    if (!isAlive(pid)) throw new NetvetError(`${what} exited while starting:\n    ${tail()}`, `see ${log}`);
    if (Date.now() > deadline) throw new NetvetError(`${what} did not answer within ${timeoutMs / 1000} s:\n    ${tail()}`, `see ${log}`);
    await sleep(100);
  }
}

/** True when `url` answers with `status` (an API's root or a 401 for an unauthenticated call). */
export const answers = (url: string, status: number) => async () => (await fetch(url, { signal: AbortSignal.timeout(2000) })).status === status;

/** Polls `missing` until it names nothing; fails after `timeoutMs` naming what is still missing, and where to look. */
export async function untilNothingMissing(what: string, missing: () => Promise<string[]>, fix: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let left = await missing(); left.length; left = await missing()) {
    if (Date.now() > deadline) throw new NetvetError(`${what} after ${timeoutMs / 1000} s: no ${left.join(', ')}`, fix);
    await sleep(250);
  }
}
