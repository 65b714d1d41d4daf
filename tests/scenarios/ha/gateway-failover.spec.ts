import { outageBelow } from '../../../lib/traffic/monitor-expect';
import { expect, test } from '../../../fixtures';
import { gatewayBackOn, gatewayMovedOff, gatewaySettles } from '../../../fixtures/gateway';

/**
 * Gateway chassis failover: the router's gateway port is on two gateway chassis at different
 * priorities, and the active one goes down (its ovs-vswitchd and ovn-controller killed), with
 * traffic through the floating IP (DNAT) and out by SNAT:
 * - the gateway port moves to the other chassis (OVN's BFD between chassis sees the loss);
 * - traffic through the floating IP and by SNAT recovers with an outage below 10 s;
 * - negative control: traffic to the unbound floating IP, on the same path, loses every probe;
 * - when the chassis comes back, the port returns to it (higher priority) and traffic recovers again.
 */
test(
  'gateway chassis failover: floating IP and SNAT traffic move to the backup gateway',
  { tag: ['@ha', '@serial', '@fip', '@nat'], annotation: [{ type: 'id', description: 'NV-HA-005' }, { type: 'requires', description: 'external:host' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'ha:gateway' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ deploy, faults, monitor, hosts, send }, testInfo) => {
    const built = await deploy('topologies/ha.yaml');
    const router = built.routers.r1.externalAddress!;
    const primary = await gatewaySettles(hosts, built, 'r1');
    const external = hosts.withRole('external')[0].name;
    const traffic = await Promise.all([monitor(built, 'runner', 'fip1', 'icmp'), monitor(built, 'runner', 'fip1', 'udp'), monitor(built, 'vm2', external, 'icmp')]);
    const unbound = await monitor(built, 'runner', 'fip2', 'icmp', { negativeControl: true });

    const down = await faults.chassisDown(primary);
    await test.step(`the gateway port moves off ${primary}`, async () => {
      const backup = await gatewayMovedOff(hosts, router, primary);
      expect(backup, `the gateway port of r1 stayed on ${primary} (or on none) for 20 s after ${primary} went down`).toBeDefined();
      testInfo.annotations.push({ type: 'measured', description: `gateway port on ${backup} ${Date.now() - down.at} ms after ${primary} went down` });
    });
    await test.step('through the backup, the floating IP answers and SNAT reaches the external host', async () => {
      expect(await send(built, 'runner', 'fip1', { kind: 'tcp', port: 22 })).toPass();
      expect(await send(built, 'vm2', external, { kind: 'icmp' })).toPass();
    });
    await test.step('floating IP and SNAT traffic across the failover: outage below 10 s', async () => {
      for (const report of await Promise.all(traffic.map((m) => m.stop()))) {
        testInfo.annotations.push({ type: 'measured', description: `failover ${report.label}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
        expect(report).toMeet(outageBelow(10_000));
      }
    });
    await test.step('the unbound floating IP lost every probe', async () => {
      const report = await unbound.stop();
      expect(report.received, `${report.label} got answers`).toBe(0);
    });
    await test.step(`${primary} back: the gateway port returns to it, traffic recovers`, async () => {
      const again = await Promise.all([monitor(built, 'runner', 'fip1', 'icmp'), monitor(built, 'vm2', external, 'icmp')]);
      await down.undo();
      const returned = await gatewayBackOn(hosts, router, primary);
      expect(returned, `the gateway port did not return to ${primary}`).toBe(true);
      for (const report of await Promise.all(again.map((m) => m.stop()))) {
        testInfo.annotations.push({ type: 'measured', description: `failback ${report.label}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
        expect(report).toMeet(outageBelow(10_000));
      }
    });
  },
);
