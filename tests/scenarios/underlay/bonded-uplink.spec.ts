import { outageBelow } from '../../../lib/traffic/monitor-expect';
import { expect, test } from '../../../fixtures';

/** Longest silence allowed while a bond fails over (carrier loss is seen at once). */
const FAILOVER_MS = 1000;

/**
 * A chassis uplink bonded from two links keeps tunnels up when either link goes down. Background
 * ping and TCP between workloads on two chassis run while each bond member in turn is set down
 * through the chassis' shell, then up again:
 * - with each member down, and after it is back, vm1 and vm2 still talk;
 * - the background traffic is never silent for a second, and flows at the end.
 */
test(
  'bonded uplink: traffic between chassis keeps flowing with either bond member down, and after it comes back',
  { tag: ['@regression', '@underlay'], annotation: [{ type: 'id', description: 'NV-UL-003' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'underlay:bond' }] },
  async ({ deploy, faults, monitor, send, hosts }, testInfo) => {
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const { vm1, vm2 } = built.workloads;
    const bonded = [vm1.host, vm2.host].find((h) => (hosts.get(h).data?.uplinks.length ?? 0) >= 2);
    test.skip(!bonded, `neither ${vm1.host} nor ${vm2.host} has a bonded uplink`);
    const traffic = await Promise.all([monitor(built, 'vm1', 'vm2', 'icmp', { intervalMs: 20 }), monitor(built, 'vm1', 'vm2', 'tcp')]);

    for (const member of hosts.get(bonded!).data!.uplinks) {
      // Soft: with the whole bond down, the loss-window verdict below is still reported.
      const down = await faults.linkDown(bonded!, member);
      await test.step(`${bonded} ${member} down: vm1 and vm2 still talk`, async () => {
        expect.soft(await send(built, 'vm1', 'vm2', { kind: 'tcp', port: 5000 }), `vm1 -> vm2 with ${bonded} ${member} down`).toPass();
      });
      await down.undo();
      await test.step(`${bonded} ${member} back up: vm1 and vm2 still talk`, async () => {
        expect.soft(await send(built, 'vm1', 'vm2', { kind: 'tcp', port: 5000 }), `vm1 -> vm2 with ${bonded} ${member} back up`).toPass();
      });
    }
    await test.step(`the background traffic was never silent for ${FAILOVER_MS} ms and flows at the end`, async () => {
      for (const report of await Promise.all(traffic.map((m) => m.stop()))) {
        testInfo.annotations.push({ type: 'measured', description: `${report.label}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
        expect(report).toMeet(outageBelow(FAILOVER_MS));
      }
    });
  },
);
