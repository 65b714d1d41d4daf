import { outageBelow } from '../../../lib/traffic/monitor-expect';
import { expect, test } from '../../../fixtures';
import { gatewayBackOn, gatewayMovedOff, gatewaySettles } from '../../../fixtures/gateway';

/**
 * The active gateway chassis loses its underlay (every uplink down) while its daemons run on:
 * - BFD over the tunnels fails, the gateway port moves to the backup chassis;
 * - floating IP (DNAT) and SNAT traffic recovers with an outage below 10 s; the cut-off chassis
 *   does not keep answering for the floating IP (that would be a split brain and lose traffic);
 * - negative control: traffic to the unbound floating IP, on the same path, loses every probe;
 * - uplinks back: the port returns to the higher-priority chassis and traffic flows.
 */
test(
  'gateway uplink down: the backup gateway takes over floating IP and SNAT traffic',
  { tag: ['@ha', '@serial', '@fip', '@underlay'], annotation: [{ type: 'id', description: 'NV-HA-008' }, { type: 'requires', description: 'external:host' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'ha:gateway' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ deploy, faults, monitor, hosts, send }, testInfo) => {
    const built = await deploy('topologies/ha.yaml');
    const router = built.routers.r1.externalAddress!;
    const primary = await gatewaySettles(hosts, built, 'r1');
    const external = hosts.withRole('external')[0].name;
    const uplinks = hosts.get(primary).data?.uplinks ?? [];
    expect(uplinks.length, `the target names no uplinks of ${primary}`).toBeGreaterThan(0);
    const traffic = await Promise.all([monitor(built, 'runner', 'fip1', 'icmp'), monitor(built, 'vm2', external, 'icmp')]);
    const unbound = await monitor(built, 'runner', 'fip2', 'icmp', { negativeControl: true });

    const cut = await Promise.all(uplinks.map((link) => faults.linkDown(primary, link)));
    await test.step(`the gateway port moves off ${primary}`, async () => {
      const backup = await gatewayMovedOff(hosts, router, primary);
      expect(backup, `the gateway port of r1 stayed on ${primary} (or on none) for 20 s after its uplinks (${uplinks.join(', ')}) went down`).toBeDefined();
      testInfo.annotations.push({ type: 'measured', description: `gateway port on ${backup} ${Date.now() - cut[0].at} ms after the uplinks of ${primary} went down` });
    });
    await test.step('through the backup, the floating IP answers and SNAT reaches the external host', async () => {
      expect(await send(built, 'runner', 'fip1', { kind: 'tcp', port: 22 })).toPass();
      expect(await send(built, 'vm2', external, { kind: 'icmp' })).toPass();
    });
    await test.step('traffic across the failover: outage below 10 s', async () => {
      for (const report of await Promise.all(traffic.map((m) => m.stop()))) {
        testInfo.annotations.push({ type: 'measured', description: `${report.label}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
        expect(report).toMeet(outageBelow(10_000));
      }
      const report = await unbound.stop();
      expect(report.received, `${report.label} got answers`).toBe(0);
    });
    await test.step(`uplinks of ${primary} back: the gateway port returns, traffic flows`, async () => {
      for (const fault of cut) await fault.undo();
      const returned = await gatewayBackOn(hosts, router, primary);
      expect(returned, `the gateway port did not return to ${primary}`).toBe(true);
      expect(await send(built, 'runner', 'fip1', { kind: 'tcp', port: 22 })).toPass();
    });
  },
);
