import { readFileSync } from 'node:fs';
import type { Shell } from '../access';
import { NetvetError } from '../util/errors';

const RESPONDER_SCRIPT = readFileSync(new URL('./agents/responder.py', import.meta.url), 'utf8');

/** Where responders listen; workloads also run sshd on 22. */
export const RESPONDER_PORTS = { tcp: [7, 5000], udp: [7, 5000], http: [80] } as const;
export const SSH_PORT = 22;

type Ports = { tcp: readonly number[]; udp: readonly number[]; http: readonly number[] };

/** The argv that starts a responder (it daemonizes once its ports are bound). */
export function responderArgv(hostname: string, pidfile: string, ports: Ports = RESPONDER_PORTS): string[] {
  return ['python3', '-c', RESPONDER_SCRIPT, JSON.stringify({ hostname, pidfile, ...ports })];
}

/**
 * Starts a responder on a host that is not a workload (the external host of a SNAT check, say) on
 * one TCP and UDP port of its own, so tests running side by side on that host do not collide.
 */
export async function startResponder(shell: Shell, hostname: string): Promise<{ port: number; stop: () => Promise<void> }> {
  const dir = (await shell.exec(['mktemp', '-d', '/tmp/netvet-responder.XXXXXX'])).stdout.trim();
  const pidfile = `${dir}/responder.pid`;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !port; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 40_000);
    const started = await shell.exec(responderArgv(hostname, pidfile, { tcp: [candidate], udp: [candidate], http: [] }), { timeoutMs: 15_000 });
    if (started.code === 0) port = candidate;
    else if (!/Address already in use/.test(started.stderr)) {
      await shell.exec(['rm', '-rf', dir]);
      throw new NetvetError(`cannot start a responder on ${shell.name}: ${started.stderr.trim().split('\n').pop()}`, 'install python3 there');
    }
  }
  if (!port) throw new NetvetError(`no free port for a responder on ${shell.name}`, 'retry; the host has many listeners');
  return {
    port,
    stop: async () => {
      const pid = (await shell.exec(['cat', pidfile])).stdout.trim();
      if (/^\d+$/.test(pid)) await shell.exec(['kill', pid]);
      await shell.exec(['rm', '-rf', dir]);
    },
  };
}
