import type { Shell } from './shell';

/**
 * A Shell inside network namespace `netns` on `host`: how netvet reaches a lab workload (SSH to the
 * chassis, then into the workload's namespace). `ip netns exec` execs the command, so a timeout's
 * kill reaches the command itself.
 */
export function namespaceShell(host: Shell, netns: string): Shell {
  return {
    name: `ns:${netns}@${host.name}`,
    exec: (argv, options) => host.exec(['ip', 'netns', 'exec', netns, ...argv], options),
  };
}
