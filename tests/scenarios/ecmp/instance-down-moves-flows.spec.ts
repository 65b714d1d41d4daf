import { forwardingCounters, formatSplit, idle, openFlows } from '../../../lib/traffic/forwarding';
import { expect, test } from '../../../fixtures';

const FLOWS = 30;

/**
 * An instance of an ECMP service chain goes down (topologies/service-chain.yaml):
 * - before: flows client -> server spread over all three instances;
 * - fw-2's interface goes down inside it; the chain's health check reports exactly fw-2 down;
 * - 30 new flows all pass (none lost), spread over fw-1 and fw-3, none through fw-2;
 * - fw-2 comes back: the health check readmits it and it takes flows again.
 */
test(
  'ECMP service chain: an instance going down moves its flows to the others',
  { tag: ['@regression', '@ecmp'], annotation: [{ type: 'id', description: 'NV-ECMP-002' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'service-chain' }] },
  async ({ deploy, serviceChains }) => {
    const built = await deploy('topologies/service-chain.yaml');
    const chain = built.topology.serviceChains[0];
    const instances = chain.instances.map((i) => built.workloads[i.workload]);
    const down = instances[1];
    const counters = await forwardingCounters(instances);
    const server = { address: built.workloads.server.ports[0].address, port: 5000 };
    const spread = async (title: string, expectIdle: string[]) => {
      const flows = await openFlows(built.workloads.client.shell, server, FLOWS);
      const split = await counters.sample();
      await test.step(`${title}: ${FLOWS - flows.lost.length}/${FLOWS} flows passed, ${formatSplit(split)}`, () => {
        expect(flows.lost.map((f) => f.error), 'flows lost').toEqual([]);
        expect(idle(split), 'instances that forwarded none of the flows').toEqual(expectIdle);
      });
    };
    const health = (state: 'up' | 'down') => Object.fromEntries(instances.map((i) => [i.name, i === down ? state : 'up']));

    await spread('all instances up', []);
    await test.step(`${down.name}: interface down inside the instance`, async () => {
      await down.shell.exec(['ip', 'link', 'set', 'eth0', 'down']);
      await expect.poll(() => serviceChains.check(built, chain.name), { message: 'health check of the chain' }).toEqual(health('down'));
    });
    await spread(`${down.name} down`, [down.name]);
    await test.step(`${down.name}: interface back up, default route restored`, async () => {
      const gateway = built.topology.workloads.find((w) => w.name === down.name)!.ports[0].gateway!;
      await down.shell.exec(['sh', '-c', `ip link set eth0 up && ip route replace default via ${gateway}`]);
      await expect.poll(() => serviceChains.check(built, chain.name), { message: 'health check of the chain' }).toEqual(health('up'));
    });
    await spread(`${down.name} back`, []);
  },
);
