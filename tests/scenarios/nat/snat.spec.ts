import { startResponder } from '../../../lib/traffic/responder';
import { expect, test } from '../../../fixtures';

/**
 * Source NAT through the router's gateway:
 * - a workload reaches the external host;
 * - the external host sees the router's external address as the source, not the workload's own.
 */
test(
  'SNAT: the external host sees the router gateway address as the source',
  { tag: ['@sanity', '@regression', '@nat'], annotation: [{ type: 'id', description: 'NV-NAT-001' }, { type: 'requires', description: 'external:host' }, { type: 'requires', description: 'snat' }] },
  async ({ deploy, send, hosts }) => {
    const built = await deploy('topologies/snat.yaml');
    const external = hosts.withRole('external')[0];
    const responder = await startResponder(hosts.shell(external.name), external.name);
    try {
      const reply = await send(built, 'vm1', external.name, { kind: 'tcp', port: responder.port });
      expect(reply).toPass();
      const [answeredBy, seenSource] = (reply.reply ?? '').split(' ');
      expect(answeredBy).toBe(external.name);
      expect(seenSource, 'source address the external host saw').toBe(built.routers.r1.externalAddress);
      expect(seenSource).not.toBe(built.workloads.vm1.ports[0].address);
    } finally {
      await responder.stop();
    }
  },
);
