import { expect, test } from '../../../fixtures/bgpvpn';

/**
 * VPN blue on two PEs (vm1, vm2), VPN red beside vm2 (vm3), nothing importing the other's target:
 * - the route reflector sends vm1's PE a labeled VPN route for vm2's /32 (a BGP UPDATE captured on
 *   the wire), and its label is the one vm2's PE allocated (its looking glass);
 * - between the PEs every packet of vm1 <-> vm2 is in the target's encapsulation (MPLS over GRE,
 *   GRE protocol 0x8847; or VXLAN) with, as bottom label or VNI, the label the receiving PE
 *   advertised for the destination; none of it crosses as plain IP;
 * - negative control: blue's VRF on vm1's PE has no route to vm3, and nothing vm1 sends vm3 is seen.
 */
test(
  "BGP VPN: the label a PE advertises for a prefix is the label on the wire, and a VPN without the other's route target gets no route",
  {
    tag: ['@regression', '@bgpvpn', '@encap'],
    annotation: [{ type: 'id', description: 'NV-BGPVPN-001' }, { type: 'requires', description: 'sdn:bgpvpn' }, { type: 'requires', description: 'compute:2' }],
  },
  async ({ bgpVpn, deploy, orchestrator, target, send, watchWire }) => {
    const built = await deploy('topologies/bgpvpn-two-vpns.yaml');
    const [vm1, vm2, vm3] = ['vm1', 'vm2', 'vm3'].map((name) => built.workloads[name]);
    const kind = target.encapsulation.current;
    const segment = await bgpVpn.segment(built, 'blue', orchestrator);
    const label = { vm1: segment.onWire(kind, vm1.ports[0].id), vm2: segment.onWire(kind, vm2.ports[0].id) };

    await test.step("the reflector's UPDATE to vm1's PE carries vm2's /32 with the label vm2's PE allocated", async () => {
      const updates = (await bgpVpn.reflectedUpdates(vm1.host)).filter((u) => u.kind === 'advertise' && u.prefix === `${vm2.ports[0].address}/32`);
      expect(updates.map((u) => u.labels.at(-1)), `UPDATEs for ${vm2.ports[0].address}/32 sent to ${vm1.host}`).toEqual([label.vm2]);
    });

    const flow = (from: typeof vm1, to: typeof vm1, id: number) => ({ label: `${from.name} -> ${to.name}`, src: from.ports[0].address, dst: to.ports[0].address, id, atLeast: 3 });
    const wire = await watchWire(vm1.host, {
      kind,
      flows: [flow(vm1, vm2, label.vm2), flow(vm2, vm1, label.vm1)],
      absent: [{ label: 'vm1 -> vm3 (red)', src: vm1.ports[0].address, dst: vm3.ports[0].address }],
    }, async () => {
      const results = [];
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']]) {
        for (const [i, probe] of ([{ kind: 'icmp' }, { kind: 'tcp', port: 5000 }, { kind: 'icmp' }] as const).entries()) results.push(await send(built, from, to, probe, true, i === 0));
      }
      return { results, toRed: await send(built, 'vm1', 'vm3', { kind: 'icmp' }, false) };
    });

    await test.step(`between the PEs: ${kind} only, each with the label the receiving PE advertised, nothing as plain IP`, () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.results.forEach((r) => expect(r).toPass()));
    await test.step("negative control: vm1 gets nothing to vm3, whose VPN's route target blue does not import", async () => {
      expect(wire.result.toRed).not.toPass();
      const evidence = await bgpVpn.explain(built, { from: 'vm1', to: 'vm3', kind: 'icmp', sourceAddress: vm1.ports[0].address, destinationAddress: vm3.ports[0].address }, orchestrator);
      expect(evidence.verdict).toMatch(/^no route for /);
    });
  },
);
