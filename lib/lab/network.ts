import { run } from '../util/exec';
import type { Journal } from './journal';
import { allHosts, type LabHost, type LabPlan } from './plan';

/** Fabric bridges, inside the lab's fabric namespace: one per segment (data segments are named by the plan). */
export const SEGMENTS = { management: 'mgmt', external: 'ext' } as const;

/** Runs `ip` commands in one namespace through one process (`ip -batch`), which keeps `lab up` fast. */
async function ipBatch(netns: string | undefined, lines: string[]): Promise<void> {
  await run(['ip', ...(netns ? ['-n', netns] : []), '-batch', '-'], { input: lines.join('\n') + '\n' });
}

/**
 * An address and its connected route with quick ACKs: without them a pooled SSH command waits on
 * delayed ACKs (Nagle on the other side) and costs ~40 ms instead of ~3 ms.
 */
function addressLines(address: string, dev: string): string[] {
  const [a, b, c] = address.split('.');
  return [`addr add ${address}/24 dev ${dev} noprefixroute`, `link set ${dev} up`, `route add ${a}.${b}.${c}.0/24 dev ${dev} src ${address} quickack 1`];
}

async function addNetns(journal: Journal, netns: string): Promise<void> {
  journal.record({ kind: 'netns', name: netns });
  await run(['ip', 'netns', 'add', netns]);
  // IPv6 stays off: no router solicitations or DAD noise in underlay captures.
  await run(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'], { netns });
  await ipBatch(netns, ['link set lo up']);
}

/** A veth whose ends are created directly inside two lab namespaces: nothing appears in the root namespace. */
async function plug(host: LabHost, iface: string, plan: LabPlan, segment: string, mtu?: number): Promise<void> {
  const fabricEnd = `${host.name}-${iface}`;
  await run(['ip', 'link', 'add', iface, 'netns', host.netns, 'type', 'veth', 'peer', 'name', fabricEnd, 'netns', plan.fabricNetns]);
  await ipBatch(plan.fabricNetns, [`link set ${fabricEnd} ${mtu ? `mtu ${mtu} ` : ''}master ${segment} up`]);
}

/** The data (underlay) segments: one, or two joined by the underlay router. */
function dataSegments(plan: LabPlan): string[] {
  return [...new Set([...plan.chassis.map((c) => c.underlay.segment), ...(plan.underlayRouter?.legs.map((l) => l.segment) ?? [])])];
}

/** The underlay router: a leg in each data subnet, forwarding between them, and sshd on management like every host. */
async function buildUnderlayRouter(plan: LabPlan): Promise<void> {
  if (!plan.underlayRouter) return;
  const { host, legs } = plan.underlayRouter;
  const mtu = plan.profile.mtu.underlay;
  await plug(host, 'eth1', plan, SEGMENTS.management);
  for (const leg of legs) await plug(host, leg.iface, plan, leg.segment, mtu);
  await run(['sysctl', '-qw', 'net.ipv4.ip_forward=1'], { netns: host.netns });
  await ipBatch(host.netns, [
    ...addressLines(host.management, 'eth1'),
    ...legs.flatMap((leg) => [`link set ${leg.iface} mtu ${mtu}`, ...addressLines(leg.address, leg.iface)]),
  ]);
}

/**
 * The lab's wiring: a fabric namespace with management, data (underlay) and external segments,
 * every host namespace plugged into its segments, and the runner's own two links (management
 * and external). The whole range is fenced by an `unreachable` route beneath the lab's own routes.
 */
export async function buildNetwork(plan: LabPlan, journal: Journal): Promise<void> {
  await addNetns(journal, plan.fabricNetns);
  await ipBatch(
    plan.fabricNetns,
    [...Object.values(SEGMENTS), ...dataSegments(plan)].flatMap((bridge) => [`link add ${bridge} type bridge`, `link set ${bridge} up`]),
  );
  await Promise.all(allHosts(plan).map((host) => addNetns(journal, host.netns)));

  await Promise.all([
    ...plan.controls.map(async (host) => {
      await plug(host, 'eth1', plan, SEGMENTS.management);
      await ipBatch(host.netns, addressLines(host.management, 'eth1'));
    }),
    ...plan.chassis.map(async (host) => {
      const mtu = plan.profile.mtu.underlay;
      for (const uplink of host.underlay.uplinks) await plug(host, uplink, plan, host.underlay.segment, mtu);
      await plug(host, 'eth1', plan, SEGMENTS.management);
      if (host.roles.includes('gateway')) await plug(host, 'eth2', plan, SEGMENTS.external);
      await ipBatch(host.netns, [
        ...host.underlay.uplinks.map((uplink) => `link set ${uplink} mtu ${mtu} up`),
        ...addressLines(host.management, 'eth1'),
        ...(host.roles.includes('gateway') ? ['link set eth2 up'] : []),
      ]);
    }),
    buildUnderlayRouter(plan),
    (async () => {
      const ext = plan.externalHost;
      await plug(ext, 'eth0', plan, SEGMENTS.external);
      await ipBatch(ext.netns, addressLines(ext.management, 'eth0'));
      // The userspace datapath does not complete checksums a veth left to offload.
      await run(['ethtool', '-K', 'eth0', 'tx', 'off'], { netns: ext.netns });
    })(),
  ]);

  const runnerLinks: Array<[string, string, string]> = [
    [plan.rootLinks.management, SEGMENTS.management, plan.runner.management],
    [plan.rootLinks.external, SEGMENTS.external, plan.runner.external],
  ];
  for (const [link, segment, address] of runnerLinks) {
    journal.record({ kind: 'link', name: link });
    const fabricEnd = `runner-${segment}`;
    await run(['ip', 'link', 'add', link, 'type', 'veth', 'peer', 'name', fabricEnd, 'netns', plan.fabricNetns]);
    await ipBatch(plan.fabricNetns, [`link set ${fabricEnd} master ${segment} up`]);
    await ipBatch(undefined, addressLines(address, link));
    await run(['ethtool', '-K', link, 'tx', 'off']);
    // The runner is the external network's gateway address, never a router: on a machine that
    // forwards (a Docker host), nothing a workload sends may leave through the root namespace.
    await run(['sysctl', '-qw', `net.ipv4.conf.${link}.forwarding=0`]);
  }
}
