import { forwardingCounters, formatSplit, idle, masquerade, openFlows } from '../../../lib/traffic/forwarding';
import { expect, test } from '../../../fixtures';

const FLOWS = 30;

/**
 * In-network NAT service instances (topologies/service-chain.yaml, every instance masquerading
 * what it forwards from the left network):
 * - 30 TCP flows client -> server all pass;
 * - the server sees each flow from an instance's own address, never from the client's, and every
 *   instance's address among them (the split, seen from the far side, matches the counters);
 * - negative control: the server-side view of client -> outsider (outside the chain) is the client's own address.
 */
test(
  'ECMP service chain: NAT instances, the far side sees the instance addresses',
  { tag: ['@regression', '@ecmp', '@nat'], annotation: [{ type: 'id', description: 'NV-ECMP-003' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'service-chain' }] },
  async ({ deploy }) => {
    const built = await deploy('topologies/service-chain.yaml');
    const instances = built.topology.serviceChains[0].instances.map((i) => built.workloads[i.workload]);
    const { client, server, outsider } = built.workloads;
    const left = built.topology.networks.find((n) => n.name === 'left')!.subnets[0].cidr;
    await Promise.all(instances.map((i) => masquerade(i.shell, left)));
    const counters = await forwardingCounters(instances);

    const flows = await openFlows(client.shell, { address: server.ports[0].address, port: 5000 }, FLOWS);
    const split = await counters.sample();
    const seen = instances.map((i) => `${i.name} ${flows.seenFrom[i.ports[0].address] ?? 0}`).join(', ');
    await test.step(`${FLOWS} flows client -> server; the server saw: ${seen}; counters: ${formatSplit(split)}`, () => {
      expect(flows.lost.map((f) => f.error), 'flows lost').toEqual([]);
      expect(Object.keys(flows.seenFrom).sort(), 'source addresses the server saw').toEqual(instances.map((i) => i.ports[0].address).sort());
      expect(idle(split), 'instances that forwarded none of the flows').toEqual([]);
      expect(instances.map((i) => flows.seenFrom[i.ports[0].address]), 'flows per instance, seen by the server').toEqual(instances.map((i) => split[i.name].flows));
    });
    await test.step('negative control: client -> outsider keeps the client address', async () => {
      const bypass = await openFlows(client.shell, { address: outsider.ports[0].address, port: 5000 }, 3);
      expect(bypass.seenFrom).toEqual({ [client.ports[0].address]: 3 });
    });
  },
);
