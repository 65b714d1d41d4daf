import { forwardingCounters, formatSplit, idle, openFlows } from '../../../lib/traffic/forwarding';
import { expect, test } from '../../../fixtures';

const FLOWS = 30;
const CONTROL_FLOWS = 10;

/**
 * ECMP service chain (topologies/service-chain.yaml): r1 steers client (left) <-> server (right)
 * through three instances over at least two chassis; nftables counters inside the instances prove it:
 * - 30 TCP flows client -> server all pass, and the server sees the client's own address;
 * - every instance forwards some of the flows (the split is reported); one that gets none fails;
 * - negative control: 10 flows client -> outsider, a network outside the chain, touch no instance.
 */
test(
  'ECMP service chain: flows between left and right spread over every instance',
  { tag: ['@sanity', '@regression', '@ecmp'], annotation: [{ type: 'id', description: 'NV-ECMP-001' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'service-chain' }] },
  async ({ deploy }) => {
    const built = await deploy('topologies/service-chain.yaml');
    const instances = built.topology.serviceChains[0].instances.map((i) => built.workloads[i.workload]);
    // Flows cross the underlay to reach some instances: the chain is not one chassis' local affair.
    expect(new Set(instances.map((i) => i.host)).size, `chassis of ${instances.map((i) => `${i.name}@${i.host}`).join(', ')}`).toBeGreaterThanOrEqual(2);
    const counters = await forwardingCounters(instances);
    const { client, server, outsider } = built.workloads;

    await test.step(`${FLOWS} TCP flows client -> server pass`, async () => {
      const flows = await openFlows(client.shell, { address: server.ports[0].address, port: 5000 }, FLOWS);
      expect(flows.lost.map((f) => f.error), 'flows lost').toEqual([]);
      expect(flows.seenFrom, 'source addresses the server saw').toEqual({ [client.ports[0].address]: FLOWS });
    });
    const split = await counters.sample();
    await test.info().attach('flow split', { body: formatSplit(split), contentType: 'text/plain' });
    await test.step(`every instance forwards some: ${formatSplit(split)}`, () => {
      expect(idle(split), 'instances that forwarded none of the flows (the chain did not steer through them)').toEqual([]);
    });
    await test.step(`negative control: ${CONTROL_FLOWS} flows client -> outsider bypass the chain`, async () => {
      const flows = await openFlows(client.shell, { address: outsider.ports[0].address, port: 5000 }, CONTROL_FLOWS);
      expect(flows.lost.map((f) => f.error), 'flows lost').toEqual([]);
      const bypass = await counters.sample();
      expect(Object.values(bypass).map((f) => f.packets), `packets the instances forwarded: ${formatSplit(bypass)}`).toEqual(instances.map(() => 0));
    });
  },
);
