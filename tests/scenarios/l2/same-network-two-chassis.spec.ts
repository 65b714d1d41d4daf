import { expect, test } from '../../../fixtures';

/**
 * One network stretched over two chassis:
 * - ping and TCP pass both ways between the workloads;
 * - on the underlay the traffic is tunnelled with the target's configured encapsulation, and with
 *   no other one (the negative control), carrying the workloads' own packets inside, each with the
 *   id the SDN gives the network (the VNI).
 */
test(
  'same network across two chassis: ping and TCP both ways, tunnelled with the configured encapsulation',
  { tag: ['@sanity', '@regression', '@l2', '@encap'], annotation: [{ type: 'id', description: 'NV-L2-001' }, { type: 'requires', description: 'compute:2' }] },
  async ({ deploy, send, target, tunnelledFlows, watchWire }) => {
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const [vm1, vm2] = [built.workloads.vm1, built.workloads.vm2];
    expect(vm1.host).not.toBe(vm2.host);

    await test.step('ping and TCP pass both ways', async () => {
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']]) {
        expect(await send(built, from, to, { kind: 'icmp' })).toPass();
        expect(await send(built, from, to, { kind: 'tcp', port: 5000 })).toPass();
      }
    });

    const kind = target.encapsulation.current;
    await test.step(`the underlay carries it as ${kind}, with the network's id, and nothing else`, async () => {
      const flows = await tunnelledFlows(built, kind, [['vm1', 'vm2'], ['vm2', 'vm1']]);
      const wire = await watchWire(vm1.host, { kind, flows: flows.map((f) => ({ ...f, atLeast: 3 })) }, async () => {
        for (let i = 0; i < 3; i++) await send(built, 'vm1', 'vm2', { kind: 'icmp' });
      });
      expect(wire.wrong, wire.report).toEqual([]);
    });
  },
);
