import type { RunJournal } from '../journal';
import type { Names } from './names';
import type { Northbound } from './northbound';

const ROLE = 'external_ids:netvet-role=floating-ip';

/**
 * Floating IP allocations. A bound floating IP shows in its NAT rule, but an unbound one (or one
 * that only forwards ports) has no row of its own in OVN, so each allocation is kept as a
 * one-address Address_Set, as Neutron keeps a port for it: parallel deployments then never get the
 * same address.
 */
export async function reserveFloatingIp(nb: Northbound, names: Names, floatingIp: string, address: string, journal: RunJournal): Promise<void> {
  const row = names.portGroup(`fip_${floatingIp}`);
  journal.record(`floating IP ${floatingIp} (${address})`, { nb: ['--if-exists', 'destroy', 'Address_Set', row] });
  await nb.run([['create', 'Address_Set', `name=${row}`, `addresses=${address}`, `external_ids:netvet=${names.prefix}`, ROLE]]);
}

/** External addresses taken by floating IP allocations and by load balancer VIPs (port forwardings). */
export async function takenExternalAddresses(nb: Northbound): Promise<string[]> {
  const reserved = (await nb.list('Address_Set', ['addresses', 'external_ids'])).filter((r) => r.external_ids.includes('netvet-role=floating-ip')).flatMap((r) => r.addresses.split(' '));
  const vips = (await nb.list('Load_Balancer', ['vips'])).flatMap((r) => r.vips.split(' ').filter(Boolean).map((vip) => vip.split('=')[0].replace(/:\d+$/, '')));
  return [...reserved, ...vips];
}

/** Allocations whose deployment prefix `ours` claims, for the sweep. */
export async function sweepFloatingIpReservations(nb: Northbound, ours: (externalIds: string) => boolean): Promise<string[]> {
  const rows = (await nb.list('Address_Set', ['name', 'external_ids'])).filter((r) => r.external_ids.includes('netvet-role=floating-ip') && ours(r.external_ids));
  await nb.run(rows.map((r) => ['--if-exists', 'destroy', 'Address_Set', r.name]));
  return rows.map((r) => `floating IP allocation ${r.name}`);
}
