import { noLoss } from '../../../lib/traffic/monitor-expect';
import { expect, test } from '../../../fixtures';
import { gatewaySettles } from '../../../fixtures/gateway';

/**
 * Every southbound member down (a headless data plane), with traffic flowing between two chassis
 * and through a floating IP:
 * - existing flows keep forwarding: the traffic loses nothing, before, during and after;
 * - negative control: a floating IP bound while the southbound DB is down does not answer, since
 *   no chassis can learn of it;
 * - once the southbound DB is back, that pending configuration reaches the chassis and the
 *   floating IP lands on vm2.
 */
test(
  'SB all down: existing flows keep forwarding, new configuration applies once it is back',
  { tag: ['@ha', '@serial', '@fip'], annotation: [{ type: 'id', description: 'NV-HA-003' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'ha:sb-cluster' }, { type: 'requires', description: 'fip' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ deploy, faults, monitor, send, floatingIps, hosts }, testInfo) => {
    const built = await deploy('topologies/ha.yaml');
    await test.step('the gateway port settles before the southbound DB goes down', () => gatewaySettles(hosts, built, 'r1'));
    const traffic = await Promise.all([monitor(built, 'vm1', 'vm2', 'icmp'), monitor(built, 'vm1', 'vm2', 'tcp'), monitor(built, 'runner', 'fip1', 'udp')]);

    const down = await faults.killCluster('southbound');
    // The binding waits until the chassis have it, so it completes only once the southbound DB is back.
    const binding = floatingIps.associate(built, 'fip2', 'vm2');
    await test.step('while the southbound DB is down, the newly bound floating IP answers nothing', async () => {
      for (let i = 0; i < 3; i++) expect(await send(built, 'runner', 'fip2', { kind: 'tcp', port: 5000 }, false)).not.toPass();
    });
    await test.step('southbound back: the pending binding reaches the chassis, the floating IP lands on vm2', async () => {
      await down.undo();
      const back = Date.now();
      const bound = await binding;
      testInfo.annotations.push({ type: 'measured', description: `pending floating IP binding applied ${Date.now() - back} ms after the southbound DB came back` });
      const reply = await send(bound, 'runner', 'fip2', { kind: 'tcp', port: 5000 });
      expect(reply).toPass();
      expect(reply.reply?.split(' ')[0]).toBe('vm2');
    });
    await test.step(`existing flows kept forwarding through ${Math.round((down.undoneAt! - down.at) / 1000)} s headless`, async () => {
      for (const report of await Promise.all(traffic.map((m) => m.stop()))) {
        testInfo.annotations.push({ type: 'measured', description: `${report.label}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
        expect(report).toMeet(noLoss);
      }
    });
  },
);
