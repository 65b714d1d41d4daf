import type { Shell } from '../../access';
import type { TargetHosts } from '../../target/hosts';
import { chassisHosts } from './control-plane';

/**
 * The data network as the chassis themselves see it: the state of each chassis' uplinks (`ip -j
 * link`) and whether each chassis reaches every other chassis' tunnel endpoint (ping from the
 * chassis, over SSH). A chassis whose uplink was taken down or that a packet filter cuts off keeps
 * its control-plane connections, so only this view shows that its tunnels carry nothing.
 */
export interface UplinkState {
  name: string;
  /** Administratively up and with carrier. */
  up: boolean;
  /** What is wrong when it is not up: 'admin down', 'no carrier', 'missing', or the kernel's operstate. */
  state: string;
}

export interface ChassisDataPath {
  host: string;
  address: string;
  uplinks: UplinkState[];
  /** Tunnel endpoints of the other chassis this one does not reach. */
  unreachable: Array<{ host: string; address: string }>;
}

interface IpLink {
  ifname: string;
  flags?: string[];
  operstate?: string;
}

/** One `ip -j link show` on the host, read for each named link. */
async function uplinkStates(shell: Shell, links: string[]): Promise<UplinkState[]> {
  const result = await shell.exec(['ip', '-j', 'link', 'show'], { timeoutMs: 5000 }).catch(() => ({ code: 255, stdout: '' }));
  const all = result.code === 0 ? (JSON.parse(result.stdout) as IpLink[]) : [];
  return links.map((name) => {
    const link = all.find((l) => l.ifname === name);
    if (!link) return { name, up: false, state: result.code === 0 ? 'missing' : 'unknown (ip link failed)' };
    const flags = link.flags ?? [];
    if (!flags.includes('UP')) return { name, up: false, state: 'admin down' };
    if (flags.includes('NO-CARRIER') || link.operstate === 'LOWERLAYERDOWN') return { name, up: false, state: 'no carrier' };
    return { name, up: true, state: link.operstate ?? 'UP' };
  });
}

// Three pings 200 ms apart, all peers at once: one lost packet on a busy machine is no outage.
const PROBE = 'for a in "$@"; do (ping -n -q -c 3 -i 0.2 -W 1 "$a" >/dev/null 2>&1 && echo "$a up" || echo "$a down") & done; wait';

/** Which of `addresses` the host reaches; an address the probe could not try counts as unreached. */
async function reached(shell: Shell, addresses: string[]): Promise<Set<string>> {
  if (!addresses.length) return new Set();
  const result = await shell.exec(['sh', '-c', PROBE, 'sh', ...addresses], { timeoutMs: 10_000 }).catch(() => ({ code: 255, stdout: '' }));
  return new Set(result.stdout.split('\n').filter((l) => l.endsWith(' up')).map((l) => l.split(' ')[0]));
}

/** Uplinks and peer reachability of every chassis with a data address in the target file. */
export async function dataPathState(hosts: TargetHosts): Promise<ChassisDataPath[]> {
  const chassis = chassisHosts(hosts.target)
    .map((name) => hosts.get(name))
    .filter((h) => h.data)
    .map((h) => ({ host: h.name, address: h.data!.address, links: h.data!.uplinks.length ? h.data!.uplinks : [h.data!.interface] }));
  return Promise.all(
    chassis.map(async (c) => {
      const shell = hosts.shell(c.host);
      const peers = chassis.filter((p) => p.host !== c.host);
      const [uplinks, ok] = await Promise.all([uplinkStates(shell, c.links), reached(shell, peers.map((p) => p.address))]);
      return { host: c.host, address: c.address, uplinks, unreachable: peers.filter((p) => !ok.has(p.address)).map(({ host, address }) => ({ host, address })) };
    }),
  );
}

const fixLinks = (c: ChassisDataPath) => `check its uplinks on ${c.host} (ip link show ${c.uplinks.map((u) => u.name).join(' ')}) and its packet filters (nft list ruleset)`;

/**
 * What is wrong with the data network, one line per chassis or pair, each naming the fix: a chassis
 * whose every uplink is down; a chassis cut off (no probe to or from it passes while other pairs
 * do); then any other pair that does not reach each other. One bond member down is no problem.
 */
export function dataPathProblems(state: ChassisDataPath[]): string[] {
  const problems: string[] = [];
  for (const c of state) {
    if (c.uplinks.length && c.uplinks.every((u) => !u.up)) {
      const links = c.uplinks.map((u) => `${u.name} (${u.state})`).join(', ');
      problems.push(`chassis ${c.host} has no working data uplink: ${links}, so its tunnels carry nothing; fix: ip link set dev ${c.uplinks[0].name} up on ${c.host}`);
    }
  }
  const failed = new Set(state.flatMap((c) => c.unreachable.map((p) => `${c.host}>${p.host}`)));
  const pairs = state.flatMap((c) => state.filter((p) => p.host !== c.host).map((p) => `${c.host}>${p.host}`));
  const touches = (pair: string, host: string) => pair.split('>').includes(host);
  const cutOff = state.filter((c) => {
    const own = pairs.filter((p) => touches(p, c.host));
    return own.length > 0 && own.every((p) => failed.has(p)) && pairs.some((p) => !touches(p, c.host) && !failed.has(p));
  });
  for (const c of cutOff) {
    const peers = state.filter((p) => p.host !== c.host).map((p) => p.host).join(', ');
    problems.push(`chassis ${c.host} is cut off from the data network: none of ${peers} reaches its tunnel endpoint ${c.address} and it reaches none of theirs; fix: ${fixLinks(c)}`);
  }
  const explained = (pair: string) => cutOff.some((c) => touches(pair, c.host));
  for (const c of state) {
    for (const p of c.unreachable.filter((u) => !explained(`${c.host}>${u.host}`))) {
      problems.push(`chassis ${c.host} does not reach ${p.host}'s tunnel endpoint ${p.address} (ping from ${c.host} fails); fix: check the route to ${p.address} on ${c.host} (ip route get ${p.address}) and packet filters on both hosts (nft list ruleset)`);
    }
  }
  return problems;
}
