import { expect, test } from '@playwright/test';
import { orchestratorFor, type Deployment } from '../../../lib/orchestrators';
import { TargetHosts } from '../../../lib/target/hosts';
import { loadTarget } from '../../../lib/target/load';
import { loadTopology } from '../../../lib/topology';
import { formatExplainedProbe, probeAndExplain } from '../../../lib/traffic/explain';

/**
 * A flow the datapath cannot be asked about (from the external network to an address that is no
 * floating IP) is still probed; the why says it was not explained, with the fix netvet's error gives.
 */
test('an explanation that fails keeps its fix', async () => {
  const hosts = new TargetHosts(await loadTarget());
  try {
    const prefix = 'nvx0-';
    // Explaining reads only the topology here: the error comes before any lookup on the target.
    const deployment: Deployment = { topology: await loadTopology('topologies/security-group.yaml', { macSeed: prefix }), prefix, workloads: {}, routers: {}, floatingIps: {} };
    const explained = await probeAndExplain(orchestratorFor(hosts.target, hosts, 'lab'), hosts, deployment, 'runner', '127.0.0.1', 'tcp/7');
    expect(explained.evidence).toBeUndefined();
    expect(explained.notExplained).toBe(`127.0.0.1 is no floating IP or router gateway of ${prefix}\n  fix: from the external network, OVN is entered only through those`);
    expect(formatExplainedProbe('runner -> 127.0.0.1 tcp/7', explained)).toMatch(/\nwhy: not explained: 127\.0\.0\.1 is no floating IP .*\n {2}fix: from the external network, OVN is entered only through those$/);
  } finally {
    await hosts.close();
  }
});
