import { capture } from '../../../lib/capture/capture';
import { classify } from '../../../lib/capture/classify';
import { startResponder } from '../../../lib/traffic/responder';
import { expect, test } from '../../../fixtures';

/**
 * Source NAT on one router and off on another, seen on the external host's own interface:
 * - vm1 (behind r-snat) reaches the external host, which sees r-snat's external address;
 * - vm2's packets (behind r-plain, SNAT off) arrive with vm2's own address, never with r-plain's.
 *   The external host has no route back to tenant networks, so vm2 gets no answer; on a target
 *   whose external host has one, the answer must name vm2's own address.
 */
test(
  'SNAT disabled: packets leave the router with the workload\'s own address',
  { tag: ['@regression', '@nat'], annotation: [{ type: 'id', description: 'NV-NAT-002' }, { type: 'requires', description: 'external:host' }, { type: 'requires', description: 'snat' }] },
  async ({ deploy, send, hosts }) => {
    const built = await deploy('topologies/nat-no-snat.yaml');
    const external = hosts.withRole('external')[0];
    const shell = hosts.shell(external.name);
    const responder = await startResponder(shell, external.name);
    const [vm1, vm2] = [built.workloads.vm1.ports[0].address, built.workloads.vm2.ports[0].address];
    const [snat, plain] = [built.routers['r-snat'].externalAddress, built.routers['r-plain'].externalAddress];
    try {
      const { packets, result } = await capture(shell, { iface: 'any', filter: ['udp', 'dst', 'port', String(responder.port)], maxSeconds: 60 }, async () => ({
        snat: await send(built, 'vm1', external.name, { kind: 'udp', port: responder.port }),
        plain: await send(built, 'vm2', external.name, { kind: 'udp', port: responder.port }, false),
      }));
      const sources = new Set(packets.map((p) => classify(p).outer?.src));
      await test.info().attach(`sources seen on ${external.name}`, { body: [...sources].join('\n'), contentType: 'text/plain' });

      expect(result.snat).toPass();
      expect(result.snat.reply, `vm1 (${vm1}) behind r-snat`).toBe(`${external.name} ${snat}`);
      expect([...sources], `${external.name} receives vm2's packets from vm2's own address ${vm2}`).toContain(vm2);
      expect([...sources], `r-plain's address ${plain} must not appear: its SNAT is off`).not.toContain(plain);
      if (result.plain.ok) expect(result.plain.reply).toBe(`${external.name} ${vm2}`);
    } finally {
      await responder.stop();
    }
  },
);
