import { Faults } from '../../../lib/sdn/ovn/faults';
import { TargetHosts } from '../../../lib/target/hosts';
import type { FrameworkLab } from './lab';

export interface DhcpBreak {
  /** Resolves once the scenario has started building (its first northbound object), before its DHCP options. */
  started: () => Promise<unknown>;
  /** The workload whose lease must carry the break. */
  workload: string;
  /** Breaks DHCP in the northbound DB (it may wait for the scenario's DHCP options first). */
  breakIt: () => Promise<void>;
}

/**
 * Breaks DHCP before any workload can have its lease, whatever the scenario's pace: OVN answers
 * DHCP in ovn-controller (pinctrl) on the workload's chassis, so with every compute chassis'
 * ovn-controller stopped (SIGSTOP) no request is answered. They are held from the scenario's first
 * object on; then it checks that the workload has no lease, breaks DHCP, waits until ovn-northd
 * has put the break in the southbound DB and lets the controllers go on: their first answer
 * carries the break. dhclient keeps asking every second or two meanwhile.
 */
export async function breakDhcpBeforeLease(lab: FrameworkLab, { started, workload, breakIt }: DhcpBreak): Promise<void> {
  const hosts = new TargetHosts(lab.target);
  const held = new Faults(hosts);
  const computes = lab.target.hosts.filter((h) => h.roles.includes('compute')).map((h) => h.name);
  try {
    // The first exec opens each SSH connection, so holding later is one round trip.
    await Promise.all(computes.map((host) => held.daemon(host, 'ovn-controller').require()));
    await started();
    await Promise.all(computes.map((host) => held.stop(host, 'ovn-controller')));
    const leases = await Promise.all(
      computes.map(async (host) => (await hosts.shell(host).exec(['sh', '-c', `cat /run/netvet/workloads/*${workload}/dhclient-*.leases 2>/dev/null; true`])).stdout.trim()),
    );
    if (leases.some(Boolean)) throw new Error(`${workload} had its DHCP lease before ovn-controller was held, so the break comes too late:\n${leases.join('\n')}`);
    await breakIt();
    await lab.nbctl('--wait=sb', 'sync');
  } finally {
    await held.undoAll();
    await hosts.close();
  }
}
