import { waitForNewLeader, waitForRejoin } from '../../../lib/sdn/ovn/cluster';
import { noLoss } from '../../../lib/traffic/monitor-expect';
import { expect, test } from '../../../fixtures';
import { gatewaySettles } from '../../../fixtures/gateway';

/**
 * Southbound Raft leader killed, with traffic flowing between two chassis and through a floating IP:
 * - another member becomes leader, and the traffic loses nothing (ICMP, UDP, an established TCP stream);
 * - negative control: the spare floating IP answers nothing while it is unbound;
 * - new configuration still reaches the chassis: bound to vm2, the spare floating IP lands on vm2;
 * - started again, the old member rejoins as a follower.
 */
test(
  'SB leader killed: no traffic lost, new configuration still reaches the chassis, the old leader rejoins',
  { tag: ['@ha', '@serial', '@fip'], annotation: [{ type: 'id', description: 'NV-HA-002' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'ha:sb-cluster' }, { type: 'requires', description: 'fip' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ deploy, faults, monitor, hosts, send, floatingIps }, testInfo) => {
    let built = await deploy('topologies/ha.yaml');
    await test.step('the gateway port settles before the fault', () => gatewaySettles(hosts, built, 'r1'));
    const traffic = await Promise.all([monitor(built, 'vm1', 'vm2', 'icmp'), monitor(built, 'vm1', 'vm2', 'tcp'), monitor(built, 'runner', 'fip1', 'udp')]);

    const killed = await faults.killRaftLeader('southbound');
    await test.step(`a member other than ${killed.host} becomes leader`, async () => {
      const elected = await waitForNewLeader(hosts, 'southbound', killed.host, 15_000);
      expect(elected, `no new OVN_Southbound leader within 15 s after killing the leader on ${killed.host}`).toBeDefined();
      testInfo.annotations.push({ type: 'measured', description: `new SB leader ${elected!.host} ${elected!.afterMs} ms after the kill` });
    });
    await test.step('the unbound floating IP answers nothing', async () => {
      expect(await send(built, 'runner', 'fip2', { kind: 'tcp', port: 5000 }, false)).not.toPass();
    });
    await test.step('bound to vm2 under the new leader, the floating IP lands on vm2', async () => {
      built = await floatingIps.associate(built, 'fip2', 'vm2');
      const reply = await send(built, 'runner', 'fip2', { kind: 'tcp', port: 5000 });
      expect(reply).toPass();
      expect(reply.reply?.split(' ')[0]).toBe('vm2');
    });
    await test.step(`started again, ${killed.host} rejoins`, async () => {
      await killed.undo();
      const { rejoined, status } = await waitForRejoin(hosts, 'southbound', killed.host, 30_000);
      expect(rejoined, `${killed.host} did not rejoin as a follower: ${JSON.stringify(status)}`).toBe(true);
    });
    await test.step('traffic across the leader change lost nothing', async () => {
      for (const report of await Promise.all(traffic.map((m) => m.stop()))) {
        testInfo.annotations.push({ type: 'measured', description: `${report.label}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
        expect(report).toMeet(noLoss);
      }
    });
  },
);
