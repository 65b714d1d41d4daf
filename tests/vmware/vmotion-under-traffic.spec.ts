import { facetOf } from '../../lib/orchestrators/types';
import { outageBelow } from '../../lib/traffic/monitor-expect';
import { expect, test } from '../../fixtures';

/** The longest silence a vMotion may cause: the SDN unplugs the VM on its old host and wires it on the new one. */
const MAX_OUTAGE_MS = 5000;

/**
 * vMotion of a VM while another VM pings it every 10 ms:
 * - the loss window is measured and stays below MAX_OUTAGE_MS, and traffic flows again;
 * - the VM answers from its new host, with the same MAC and address: the wire at the pinging VM's
 *   host carries its traffic tunnelled to the new host (and the verdict fails any packet still
 *   tunnelled to the old one).
 */
test(
  'vMotion under traffic: bounded loss window, the VM answers from its new host',
  { tag: ['@regression', '@l2', '@encap'], annotation: [{ type: 'id', description: 'NV-VC-002' }, { type: 'requires', description: 'compute:3' }, { type: 'requires', description: 'orchestrator:vmware' }] },
  async ({ deploy, send, orchestrator, monitor, target, tunnelledFlows, watchWire }, testInfo) => {
    const vms = facetOf(orchestrator, 'virtualMachines');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const from = built.workloads.vm2.host;
    const to = target.hosts.find((h) => h.roles.includes('compute') && h.integrationBridge && ![from, built.workloads.vm1.host].includes(h.name))!.name;
    const traffic = await monitor(built, 'vm1', 'vm2', 'icmp');

    const moved = await test.step(`vMotion vm2 from ${from} to ${to}`, () => vms.migrate(built, 'vm2', to));

    await test.step(`vm2 answers from ${to}, with the same MAC and address`, async () => {
      expect(moved.workloads.vm2.host).toBe(to);
      expect(moved.workloads.vm2.ports[0]).toMatchObject({ mac: built.workloads.vm2.ports[0].mac, address: built.workloads.vm2.ports[0].address });
      const kind = target.encapsulation.current;
      const flows = await tunnelledFlows(moved, kind, [['vm1', 'vm2'], ['vm2', 'vm1']]);
      const wire = await watchWire(moved.workloads.vm1.host, { kind, flows: flows.map((f) => ({ ...f, atLeast: 3 })) }, async () => {
        for (let i = 0; i < 3; i++) expect(await send(moved, 'vm1', 'vm2', { kind: 'icmp' })).toPass();
      });
      expect(wire.wrong, wire.report).toEqual([]);
    });
    await test.step(`the loss window stays below ${MAX_OUTAGE_MS} ms`, async () => {
      const report = await traffic.stop();
      testInfo.annotations.push({ type: 'measured', description: `vMotion ${from} -> ${to}: ${report.lost}/${report.sent} lost, longest outage ${report.longestOutageMs} ms` });
      expect(report).toMeet(outageBelow(MAX_OUTAGE_MS));
    });
  },
);
