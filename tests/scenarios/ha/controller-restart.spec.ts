import { waitForChassisSync } from '../../../lib/sdn/ovn/control-plane';
import { noLoss } from '../../../lib/traffic/monitor-expect';
import { expect, test } from '../../../fixtures';

/**
 * ovn-controller restarted on a compute chassis while its workload talks to a workload on another
 * chassis (through a stateful security group, so the flows live in conntrack):
 * - the established flows lose nothing until its flows are in place again (every chassis reports
 *   the current configuration): ICMP, UDP and one TCP stream that never breaks (a chassis that
 *   clears its flows on reconnect, without ovn-ofctrl-wait-before-clear, fails here);
 * - negative control: traffic from the same workload to the unbound floating IP loses every probe;
 * - after the restart, a new connection from that workload still passes.
 */
test(
  'ovn-controller restarted on a compute chassis: no loss for established flows',
  { tag: ['@ha', '@serial', '@sg'], annotation: [{ type: 'id', description: 'NV-HA-006' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'ssh:hosts' }, { type: 'requires', description: 'fip' }] },
  async ({ deploy, faults, monitor, send, target }, testInfo) => {
    const built = await deploy('topologies/ha.yaml');
    const chassis = built.workloads.vm1.host;
    expect(built.workloads.vm2.host, 'vm1 and vm2 run on different chassis').not.toBe(chassis);
    const traffic = await Promise.all([monitor(built, 'vm1', 'vm2', 'icmp'), monitor(built, 'vm1', 'vm2', 'udp'), monitor(built, 'vm1', 'vm2', 'tcp')]);
    const unbound = await monitor(built, 'vm1', 'fip2', 'icmp', { negativeControl: true });

    await test.step(`restart ovn-controller on ${chassis}`, async () => {
      const { downMs } = await faults.restart(chassis, 'ovn-controller');
      testInfo.annotations.push({ type: 'measured', description: `ovn-controller on ${chassis} down ${downMs} ms` });
    });
    await test.step(`ovn-controller on ${chassis} has its flows in place again`, async () => {
      const started = Date.now();
      const synced = await waitForChassisSync(target, 60);
      expect(synced.ok, `the chassis did not catch up with the northbound configuration: ${synced.error}`).toBe(true);
      testInfo.annotations.push({ type: 'measured', description: `flows in place ${Date.now() - started} ms after the restart` });
    });
    await test.step('a new connection from vm1 passes after the restart', async () => {
      expect(await send(built, 'vm1', 'vm2', { kind: 'tcp', port: 5000 })).toPass();
    });
    await test.step('the established flows lost nothing', async () => {
      for (const report of await Promise.all(traffic.map((m) => m.stop()))) {
        testInfo.annotations.push({ type: 'measured', description: `${report.label}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
        expect(report).toMeet(noLoss);
      }
    });
    await test.step('the unbound floating IP lost every probe', async () => {
      const report = await unbound.stop();
      expect(report.received, `${report.label} got answers`).toBe(0);
    });
  },
);
