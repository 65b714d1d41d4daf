import { capture } from '../../../lib/capture/capture';
import type { CapturedPacket } from '../../../lib/capture/pcap';
import type { TargetHosts } from '../../../lib/target/hosts';
import { classify } from '../../../lib/capture/classify';
import { startResponder } from '../../../lib/traffic/responder';
import { expect, test } from '../../../fixtures';

/**
 * A floating IP on a workload away from the gateway chassis:
 * - from outside, the floating IP reaches vm1, which sees the client's own address;
 * - on the gateway chassis' uplink that traffic is tunnelled to vm1's chassis, carrying vm1's fixed
 *   address inside;
 * - vm1's own traffic to the external host leaves as the floating IP, while vm2 (no floating IP)
 *   leaves as the router's address.
 */
test(
  'floating IP: a workload on another chassis than the gateway, in through a tunnel, out as the floating IP',
  { tag: ['@regression', '@fip', '@nat'], annotation: [{ type: 'id', description: 'NV-FIP-003' }, { type: 'requires', description: 'external:host' }, { type: 'requires', description: 'compute-without-gateway:1' }, { type: 'requires', description: 'fip' }] },
  async ({ deploy, send, hosts, target }) => {
    const built = await deploy('topologies/fip-remote-chassis.yaml');
    const [vm1, fip1] = [built.workloads.vm1, built.floatingIps.fip1.address];
    const gateways = hosts.withRole('gateway');
    expect(gateways.map((g) => g.name)).not.toContain(vm1.host);

    await test.step(`${fip1} reaches vm1 on ${vm1.host} through a tunnel from the gateway`, async () => {
      // Every gateway chassis is captured: whichever hosts the router's port carries the traffic.
      const { packets, result: reply } = await captureOn(hosts, gateways.map((g) => g.name), () => send(built, 'runner', 'fip1', { kind: 'tcp', port: 5000 }));
      expect(reply).toPass();
      expect(reply.reply, 'who answered, and the source it saw').toBe(`vm1 ${target.externalNetwork!.runnerAddress}`);
      const tunnelled = packets.map(classify).filter((p) => p.inner?.dst === vm1.ports[0].address);
      expect(tunnelled.length, 'tunnel packets to vm1 on the gateway uplink').toBeGreaterThan(0);
      expect(new Set(tunnelled.map((p) => p.encap.kind))).toEqual(new Set([target.encapsulation.current]));
      expect(new Set(tunnelled.map((p) => p.outer?.dst))).toEqual(new Set([hosts.get(vm1.host).data?.address]));
    });
    await test.step('outbound, vm1 is seen as its floating IP and vm2 as the router', async () => {
      const external = hosts.withRole('external')[0];
      const responder = await startResponder(hosts.shell(external.name), external.name);
      try {
        for (const [workload, seen] of [['vm1', fip1], ['vm2', built.routers.r1.externalAddress]] as const) {
          const reply = await send(built, workload, external.name, { kind: 'tcp', port: responder.port });
          expect(reply).toPass();
          expect(reply.reply, `source ${external.name} saw from ${workload}`).toBe(`${external.name} ${seen}`);
        }
      } finally {
        await responder.stop();
      }
    });
  },
);

/** Captures on the uplinks of all `names` at once while `during` runs. */
async function captureOn<T>(hosts: TargetHosts, names: string[], during: () => Promise<T>): Promise<{ packets: CapturedPacket[]; result: T }> {
  if (!names.length) return { packets: [], result: await during() };
  const [name, ...rest] = names;
  const outer = await capture(hosts.shell(name), { iface: hosts.underlayInterface(name), filter: ['ip'], maxSeconds: 60 }, () => captureOn(hosts, rest, during));
  return { packets: [...outer.packets, ...outer.result.packets], result: outer.result.result };
}
