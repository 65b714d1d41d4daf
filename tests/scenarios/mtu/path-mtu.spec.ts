import { expect, test } from '../../../fixtures';
import { ICMP_OVERHEAD, pingDontFragment, TCP_OVERHEAD, tcpBulkEcho } from '../../../lib/traffic/path-mtu';

/**
 * The path MTU between workloads on two chassis is the target's workload MTU, both ways:
 * - a ping that fills it exactly, with Don't Fragment set, crosses the tunnel;
 * - negative control: one byte more is refused ("message too long") and gets no reply;
 * - TCP settles on an MSS that fills the MTU and carries 256 KB there and back in such segments.
 */
test(
  'path MTU: a DF ping at the workload MTU passes between chassis, one byte more does not; TCP fills it',
  { tag: ['@regression', '@mtu'], annotation: [{ type: 'id', description: 'NV-MTU-001' }, { type: 'requires', description: 'compute:2' }] },
  async ({ deploy, send, target }) => {
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const mtu = target.workloads.mtu;
    for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']] as const) {
      const source = built.workloads[from].shell;
      const address = built.workloads[to].ports[0].address;
      expect(await send(built, from, to, { kind: 'icmp' })).toPass();

      await test.step(`${from} -> ${to}: ping -M do -s ${mtu - ICMP_OVERHEAD} passes`, async () => {
        const fits = await pingDontFragment(source, address, mtu - ICMP_OVERHEAD);
        expect(fits.ok, `${fits.output}\n  repro: ${fits.repro}`).toBe(true);
      });
      await test.step(`${from} -> ${to}: ping -M do -s ${mtu - ICMP_OVERHEAD + 1} is too big`, async () => {
        const tooBig = await pingDontFragment(source, address, mtu - ICMP_OVERHEAD + 1);
        expect(tooBig.ok, `a packet one byte over the MTU passed\n  repro: ${tooBig.repro}`).toBe(false);
        expect(tooBig.tooBig, `${tooBig.output}\n  repro: ${tooBig.repro}`).toBe(true);
      });
      await test.step(`${from} -> ${to}: TCP carries 256 KB both ways in segments that fill the MTU`, async () => {
        const echo = await tcpBulkEcho(source, address, 7, 256 * 1024);
        expect(echo.ok, `${echo.error}\n  repro: ${echo.repro}`).toBe(true);
        // Linux counts the timestamp option (12 bytes) against the MSS it reports.
        expect(echo.mss).toBeGreaterThanOrEqual(mtu - TCP_OVERHEAD - 12);
        expect(echo.mss).toBeLessThanOrEqual(mtu - TCP_OVERHEAD);
      });
    }
  },
);
