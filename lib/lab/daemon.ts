import { join } from 'node:path';
import { run } from '../util/exec';
import { hostEnv } from './host-env';
import type { Journal } from './journal';
import type { LabHost } from './plan';

/**
 * Starts an OVS/OVN daemon inside a host namespace. The pid file is journaled first, so a crash
 * right after the start still leaves `lab down` what it needs; `--detach` returns once the daemon
 * has initialised, which is the readiness the next step needs.
 */
export async function startDaemon(journal: Journal, host: LabHost, program: string, args: string[], pidName = program): Promise<void> {
  const pidfile = join(host.dir, `${pidName}.pid`);
  journal.record({ kind: 'daemon', host: host.name, pidfile });
  await run(
    [program, '--detach', '--no-chdir', `--pidfile=${pidfile}`, `--log-file=${join(host.dir, `${pidName}.log`)}`, ...args],
    { netns: host.netns, env: { ...process.env, ...hostEnv(host) } },
  );
}

/** Runs an OVS/OVN tool in a host namespace with that host's directories. */
export function hostTool(host: LabHost, argv: string[], timeoutMs = 10_000) {
  return run(argv, { netns: host.netns, env: { ...process.env, ...hostEnv(host) }, timeoutMs });
}
