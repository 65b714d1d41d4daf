import { onMemberOnly, waitForNewLeader } from '../../../lib/sdn/ovn/cluster';
import { expect, test } from '../../../fixtures';
import { expectRejoinedWithWrites, expectWritesWentOn } from '../../../fixtures/config-writes';

/**
 * Northbound Raft leader killed (SIGKILL), with configuration writes going on through the cluster:
 * - another member becomes leader, and writes go on: the write outage stays below 5 s and the
 *   last write is there when the probe stops;
 * - negative control: a write to the killed member alone fails;
 * - started again, the old member rejoins as a follower and has the writes made while it was down.
 */
test(
  'NB leader killed: writes continue through the other members, the old leader rejoins',
  { tag: ['@ha', '@serial'], annotation: [{ type: 'id', description: 'NV-HA-001' }, { type: 'requires', description: 'ha:nb-cluster' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ faults, hosts, configWrites }, testInfo) => {
    const writes = configWrites();
    await writes.committed(5);

    const killed = await faults.killRaftLeader('northbound');
    const writtenBefore = writes.lastCommitted;
    await test.step(`a member other than ${killed.host} becomes leader`, async () => {
      const elected = await waitForNewLeader(hosts, 'northbound', killed.host, 15_000);
      expect(elected, `no new OVN_Northbound leader within 15 s after killing the leader on ${killed.host}`).toBeDefined();
      testInfo.annotations.push({ type: 'measured', description: `new NB leader ${elected!.host} ${elected!.afterMs} ms after the kill` });
    });
    await test.step(`a write to the killed member on ${killed.host} alone fails`, async () => {
      const alone = await onMemberOnly(hosts, 'northbound', killed.host, ['set', 'NB_Global', '.', 'external_ids:netvet-ha-control=1']);
      expect(alone.ok, `a write to the killed member succeeded: ${alone.output}`).toBe(false);
    });
    await test.step(`started again, ${killed.host} rejoins and has the writes it missed`, async () => {
      await killed.undo();
      await expectRejoinedWithWrites(hosts, killed.host, writes, writtenBefore);
    });
    await test.step('configuration writes went on: outage below 5 s, the last write kept', () => expectWritesWentOn(writes));
  },
);
