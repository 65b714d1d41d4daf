import { onMemberOnly, waitForNewLeader } from '../../../lib/sdn/ovn/cluster';
import { raftLeader } from '../../../lib/sdn/ovn/control-plane';
import { expect, test } from '../../../fixtures';
import { expectRejoinedWithWrites, expectWritesWentOn } from '../../../fixtures/config-writes';

/**
 * The northbound leader cut off from the other members (a network partition, not a crash), with
 * configuration writes going on through the cluster:
 * - the majority side elects a leader and writes go on: outage below 5 s, the last write kept;
 * - negative control (no split brain): a write through the cut-off member alone does not commit;
 * - healed, the member rejoins as a follower and has the writes made while it was cut off.
 */
test(
  'NB leader partitioned from the others: the majority goes on, no split brain, it rejoins when healed',
  { tag: ['@ha', '@serial'], annotation: [{ type: 'id', description: 'NV-HA-007' }, { type: 'requires', description: 'ha:nb-cluster' }, { type: 'requires', description: 'ssh:hosts' }] },
  async ({ faults, hosts, configWrites }, testInfo) => {
    const writes = configWrites();
    await writes.committed(5);
    const leader = await raftLeader(hosts, 'northbound');
    expect(leader, 'the OVN_Northbound cluster has a leader').toBeDefined();

    const isolated = await faults.isolate(leader!);
    const writtenBefore = writes.lastCommitted;
    await test.step(`the members other than ${leader} elect a leader`, async () => {
      const elected = await waitForNewLeader(hosts, 'northbound', leader!, 15_000);
      expect(elected, `no OVN_Northbound leader on the majority side within 15 s after cutting off ${leader}`).toBeDefined();
      testInfo.annotations.push({ type: 'measured', description: `new NB leader ${elected!.host} ${elected!.afterMs} ms after the partition` });
    });
    await test.step(`a write through the cut-off member on ${leader} alone does not commit`, async () => {
      const alone = await onMemberOnly(hosts, 'northbound', leader!, ['set', 'NB_Global', '.', `external_ids:${writes.key}-split=1`]);
      expect(alone.ok, `the cut-off member committed a write on its own (split brain): ${alone.output}`).toBe(false);
    });
    await test.step(`healed, ${leader} rejoins and has the writes it missed`, async () => {
      await isolated.undo();
      await expectRejoinedWithWrites(hosts, leader!, writes, writtenBefore);
    });
    await test.step('configuration writes went on: outage below 5 s, the last write kept', () => expectWritesWentOn(writes));
  },
);
