import { expect, test } from '../../../fixtures';
import { ICMP_OVERHEAD, linkMtu, pingDontFragment, sentBytes, setLinkMtu, TCP_OVERHEAD, tcpBulkEcho, TUNNEL_OVERHEAD, underlayMtu } from '../../../lib/traffic/path-mtu';

/**
 * The path MTU between workloads on two chassis, both ways:
 * - each workload's interface has the target's workload MTU; a DF ping that fills it crosses the
 *   tunnel, and TCP settles on an MSS that fills it and carries 256 KB there and back;
 * - the overlay's own limit is the underlay MTU less the tunnel headers: with the workloads' MTU
 *   raised to the underlay's (so their own stack refuses nothing), a DF ping at that limit passes,
 *   and one byte more leaves the sender (its interface counts it) and is dropped by the overlay
 *   (OVN drops it on the sending chassis without an ICMP answer; an answer would do too): never carried.
 */
test(
  'path MTU: DF pings and TCP fill the workload MTU between chassis; the overlay carries up to its limit and drops one byte more',
  { tag: ['@regression', '@mtu'], annotation: [{ type: 'id', description: 'NV-MTU-001' }, { type: 'requires', description: 'compute:2' }] },
  async ({ deploy, send, target, hosts }) => {
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const mtu = target.workloads.mtu;
    const overhead = TUNNEL_OVERHEAD[target.encapsulation.current];
    test.skip(overhead === undefined, `the tunnel overhead of ${target.encapsulation.current} is not measured`);
    const vms = Object.values(built.workloads);
    const noData = vms.filter((vm) => !hosts.get(vm.host).data).map((vm) => vm.host);
    test.skip(noData.length > 0, `the target file gives no data (tunnel) interface for ${noData.join(', ')}`);
    const underlay = Math.min(...(await Promise.all(vms.map((vm) => underlayMtu(hosts.shell(vm.host), hosts.get(vm.host).data!)))));
    const limit = underlay - overhead!;
    const ping = (from: string, to: string, size: number) => pingDontFragment(built.workloads[from].shell, built.workloads[to].ports[0].address, size - ICMP_OVERHEAD);
    const pairs = [['vm1', 'vm2'], ['vm2', 'vm1']] as const;

    for (const [from, to] of pairs) {
      expect(await send(built, from, to, { kind: 'icmp' })).toPass();
      await test.step(`${from} -> ${to}: the workload MTU ${mtu} is configured and filled by a DF ping and by TCP`, async () => {
        expect(await linkMtu(built.workloads[from].shell, built.workloads[from].ports[0].interface)).toBe(mtu);
        const fits = await ping(from, to, mtu);
        expect(fits.ok, `${fits.output}\n  repro: ${fits.repro}`).toBe(true);
        const echo = await tcpBulkEcho(built.workloads[from].shell, built.workloads[to].ports[0].address, 7, 256 * 1024);
        expect(echo.ok, `${echo.error}\n  repro: ${echo.repro}`).toBe(true);
        // Linux counts the timestamp option (12 bytes) against the MSS it reports.
        expect(echo.mss).toBeGreaterThanOrEqual(mtu - TCP_OVERHEAD - 12);
        expect(echo.mss).toBeLessThanOrEqual(mtu - TCP_OVERHEAD);
      });
    }

    expect(mtu, `the workload MTU must fit the overlay (underlay ${underlay} less ${overhead} bytes of tunnel headers)`).toBeLessThanOrEqual(limit);
    await test.step(`the workloads raise their MTU to the underlay's ${underlay}: only the overlay can refuse now`, async () => {
      for (const vm of vms) await setLinkMtu(vm.shell, vm.ports[0].interface, underlay);
    });
    for (const [from, to] of pairs) {
      const iface = built.workloads[from].ports[0].interface;
      await test.step(`${from} -> ${to}: a DF packet of ${limit} bytes (the overlay's limit) passes`, async () => {
        const fits = await ping(from, to, limit);
        expect(fits.refusedLocally, `refused by ${from} itself: ${fits.output}`).toBe(false);
        expect(fits.ok, `${fits.output}\n  repro: ${fits.repro}`).toBe(true);
      });
      await test.step(`${from} -> ${to}: a DF packet of ${limit + 1} bytes leaves ${from} and is dropped by the overlay`, async () => {
        const sent = await sentBytes(built.workloads[from].shell, iface);
        const tooBig = await ping(from, to, limit + 1);
        expect(tooBig.refusedLocally, `refused by ${from} itself, so the overlay was never tried: ${tooBig.output}`).toBe(false);
        // At least the packet itself: no ARP or other small packet can account for it.
        expect((await sentBytes(built.workloads[from].shell, iface)) - sent, `${from} never sent it on ${iface}`).toBeGreaterThanOrEqual(limit + 1);
        expect(tooBig.ok, `the overlay carried a packet one byte over its limit\n  repro: ${tooBig.repro}`).toBe(false);
        test.info().annotations.push({ type: 'measured', description: `${from} -> ${to} ${limit + 1} bytes: ${tooBig.fragNeeded ? 'ICMP fragmentation needed' : 'dropped without an answer'}` });
      });
    }
  },
);
