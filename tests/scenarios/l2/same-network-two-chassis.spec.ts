import { capture } from '../../../lib/capture/capture';
import { classify, summarize } from '../../../lib/capture/classify';
import { expect, test } from '../../../fixtures';

/**
 * One network stretched over two chassis:
 * - ping and TCP pass both ways between the workloads;
 * - on the underlay the traffic is tunnelled with the target's configured encapsulation, and with
 *   no other one (the negative control), carrying the workloads' own packets inside.
 */
test(
  'same network across two chassis: ping and TCP both ways, tunnelled with the configured encapsulation',
  { tag: ['@sanity', '@regression', '@l2', '@encap'], annotation: [{ type: 'id', description: 'NV-L2-001' }] },
  async ({ deploy, send, hosts, target }) => {
    const lab = await deploy('topologies/l2-two-chassis.yaml');
    const [vm1, vm2] = [lab.workloads.vm1, lab.workloads.vm2];
    expect(vm1.host).not.toBe(vm2.host);

    await test.step('ping and TCP pass both ways', async () => {
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']]) {
        expect(await send(lab, from, to, { kind: 'icmp' })).toPass();
        expect(await send(lab, from, to, { kind: 'tcp', port: 5000 })).toPass();
      }
    });

    await test.step(`the underlay carries it as ${target.encapsulation.current}, and nothing else`, async () => {
      const uplink = hosts.get(vm1.host).data?.uplinks[0] ?? 'eth0';
      const { packets } = await capture(hosts.shell(vm1.host), { iface: uplink, filter: ['ip'], maxSeconds: 30 }, async () => {
        for (let i = 0; i < 3; i++) await send(lab, 'vm1', 'vm2', { kind: 'icmp' });
      });
      const classified = packets.map(classify);
      const ours = classified.filter((p) => p.inner && [vm1.ports[0].address, vm2.ports[0].address].includes(p.inner.src));
      const summary = summarize(classified);
      await test.info().attach(`underlay capture on ${vm1.host} ${uplink}`, { body: JSON.stringify(summary, null, 2), contentType: 'application/json' });
      const { kinds } = summary;
      expect(ours.length, `tunnel packets carrying vm1/vm2 traffic; kinds on the wire: ${JSON.stringify(kinds)}`).toBeGreaterThanOrEqual(6);
      expect(new Set(ours.map((p) => p.encap.kind))).toEqual(new Set([target.encapsulation.current]));
      expect(Object.keys(kinds).filter((k) => k !== 'none' && k !== target.encapsulation.current)).toEqual([]);
    });
  },
);
