import { expect, test } from '../../../fixtures';

/**
 * East-west datapath performance, each figure beside a plain veth between two namespaces measured
 * in the same run: TCP and UDP throughput (1 and N streams, 1, 2 and 4 pairs at once), ping and TCP
 * request/response latency percentiles, TCP transaction rate, on three paths:
 * - same host (a1 -> a2 on one chassis);
 * - across hosts (a1 -> b1 through a tunnel);
 * - through a router (a1 -> c1 on another network and chassis).
 * The SLA and the baseline rule are in east-west.sla.yaml.
 */
test(
  'east-west performance: same host, across hosts, through a router',
  { tag: ['@perf', '@l2', '@l3'], annotation: [{ type: 'id', description: 'NV-PERF-001' }] },
  async ({ deploy, measurePerformance }) => {
    const built = await deploy('topologies/perf-east-west.yaml');
    const outcome = await measurePerformance(built, 'tests/scenarios/perf/east-west.sla.yaml', [
      { name: 'same-host', from: 'a1', to: 'a2' },
      { name: 'across-hosts', from: 'a1', to: 'b1' },
      { name: 'through-router', from: 'a1', to: 'c1' },
    ]);
    expect(outcome).toMeetPerformance();
  },
);
