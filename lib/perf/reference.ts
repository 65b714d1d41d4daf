import { namespaceShell, type Shell } from '../access';
import type { PerfPath } from './measure';

/** TEST-NET-1 addresses: only ever inside the reference path's two namespaces. */
const CLIENT_ADDRESS = '192.0.2.1';
const SERVER_ADDRESS = '192.0.2.2';

/** The reference path and how to remove it. */
export interface ReferencePath {
  path: PerfPath;
  remove(): Promise<void>;
}

/**
 * The reference path: two namespaces joined by a plain veth on one host, made through the host's
 * Shell. The same tools on the same machine with no SDN in between: a path's figures divided by
 * the reference's cancel out how busy the machine is.
 */
export async function makeReferencePath(host: Shell, prefix: string): Promise<ReferencePath> {
  const [client, server] = [`${prefix}ref-c`, `${prefix}ref-s`];
  const remove = async () => {
    // Deleting a namespace deletes its end of the veth, and with it the other end.
    for (const ns of [client, server]) await host.exec(['ip', 'netns', 'del', ns]);
  };
  const steps: string[][] = [
    ['ip', 'netns', 'add', client],
    ['ip', 'netns', 'add', server],
    ['ip', '-n', client, 'link', 'add', 'ref0', 'type', 'veth', 'peer', 'name', 'ref0', 'netns', server],
    ['ip', '-n', client, 'addr', 'add', `${CLIENT_ADDRESS}/30`, 'dev', 'ref0'],
    ['ip', '-n', server, 'addr', 'add', `${SERVER_ADDRESS}/30`, 'dev', 'ref0'],
    ...[client, server].flatMap((ns) => [
      ['ip', '-n', ns, 'link', 'set', 'lo', 'up'],
      ['ip', '-n', ns, 'link', 'set', 'ref0', 'up'],
    ]),
  ];
  for (const step of steps) {
    const result = await host.exec(step);
    if (result.code !== 0) {
      await remove();
      throw new Error(`reference path on ${host.name}: '${step.join(' ')}' failed: ${result.stderr.trim()}`);
    }
  }
  return { path: { name: 'reference', client: namespaceShell(host, client), server: namespaceShell(host, server), address: SERVER_ADDRESS }, remove };
}
