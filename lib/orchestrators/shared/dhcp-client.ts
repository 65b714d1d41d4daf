import { readFileSync } from 'node:fs';
import type { Shell } from '../../access';
import { NetvetError } from '../../util/errors';

const SCRIPT = readFileSync(new URL('./dhclient-script.sh', import.meta.url), 'utf8');

/**
 * dhclient's configuration: ask for the classless static routes (ISC dhclient knows option 121 only
 * by this definition) and retry every second or two, since the first requests go out before
 * ovn-controller has bound the port.
 */
const CONFIG = [
  'option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;',
  'request subnet-mask, broadcast-address, routers, interface-mtu, rfc3442-classless-static-routes;',
  'timeout 30;',
  'initial-interval 1;',
  'backoff-cutoff 2;',
  '',
].join('\n');

// The argv travels as positional arguments; dhclient's output goes to a log the error can quote,
// and nothing of it holds the SSH channel open once dhclient has gone to the background.
const START = 'log="$1"; shift; exec "$@" </dev/null >>"$log" 2>&1';

/**
 * Configures `iface` inside the workload namespace by DHCP, as a VM's guest does: dhclient gets a
 * lease (address, MTU, routes) and stays in the background to renew it. Returns once the lease is
 * applied. Its files live in the workload's directory, its process in the namespace, so unplugging
 * the workload removes both.
 */
export async function configureByDhcp(host: Shell, netns: string, dir: string, iface: string): Promise<void> {
  const files = { config: `${dir}/dhclient.conf`, script: `${dir}/dhclient-script`, log: `${dir}/dhclient-${iface}.log` };
  const write = async (path: string, text: string, mode: string) => {
    const written = await host.exec(['sh', '-c', 'cat >"$1" && chmod "$2" "$1"', 'sh', path, mode], { input: text });
    if (written.code !== 0) throw new NetvetError(`cannot write ${path} on ${host.name}: ${written.stderr.trim()}`, `check the directory ${dir} on ${host.name}`);
  };
  await host.exec(['mkdir', '-p', dir]);
  await write(files.config, CONFIG, '644');
  await write(files.script, SCRIPT, '755');
  const argv = [
    'ip', 'netns', 'exec', netns, 'dhclient', '-1', '-v',
    '-cf', files.config, '-sf', files.script, '-pf', `${dir}/dhclient-${iface}.pid`, '-lf', `${dir}/dhclient-${iface}.leases`, iface,
  ];
  const started = await host.exec(['sh', '-c', START, 'sh', files.log, ...argv], { timeoutMs: 45_000 });
  if (started.code === 0) return;
  const log = await host.exec(['tail', '-n', '5', files.log]);
  if (/exec of "dhclient" failed/.test(log.stdout)) throw new NetvetError(`dhclient is not installed on ${host.name}`, 'install it on that host: apt-get install isc-dhcp-client');
  throw new NetvetError(
    `${iface} of workload namespace ${netns} on ${host.name} got no DHCP lease (dhclient exit ${started.code}): ${log.stdout.trim().split('\n').join(' | ')}`,
    'check that the subnet serves DHCP (ovn-nbctl list DHCP_Options) and the port is bound (ovn-sbctl show)',
  );
}
