import { expect, test } from '../../../fixtures';

/**
 * North-south datapath performance through the gateway, each figure beside a plain veth measured in
 * the same run (the metrics of NV-PERF-001):
 * - SNAT: vm1 to the external host, leaving as the router's address;
 * - floating IP: the external host to vm2 on its floating IP.
 * The SLA and the baseline rule are in north-south.sla.yaml.
 */
test(
  'north-south performance: out through SNAT, in through a floating IP',
  { tag: ['@perf', '@nat', '@fip'], annotation: [{ type: 'id', description: 'NV-PERF-002' }, { type: 'requires', description: 'external:host' }, { type: 'requires', description: 'snat' }, { type: 'requires', description: 'fip' }] },
  async ({ deploy, measurePerformance, hosts }) => {
    const built = await deploy('topologies/perf-north-south.yaml');
    const external = hosts.withRole('external')[0].name;
    const outcome = await measurePerformance(built, 'tests/scenarios/perf/north-south.sla.yaml', [
      { name: 'snat', from: 'vm1', to: external },
      { name: 'floating-ip', from: external, to: 'fip2' },
    ]);
    expect(outcome).toMeetPerformance();
  },
);
