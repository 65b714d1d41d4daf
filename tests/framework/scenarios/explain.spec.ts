import { expect } from '@playwright/test';
import type { Deployment } from '../../../lib/orchestrators';
import { withTarget } from '../../../lib/orchestrators/lifecycle';
import { loadTopology } from '../../../lib/topology';
import { formatExplainedProbe, probeAndExplain } from '../../../lib/traffic/explain';
import { applyTopology, explainFlow, netvet } from '../support/cli';
import { runScenarios, test, whenAppears, type FrameworkLab } from '../support/lab';
import { deleteAcl, findAcl, routerWith } from '../support/northbound';

/**
 * Failure explanation: a wrong cell of a reachability matrix carries the datapath's own account
 * (ovn-trace) of what decided it, and `netvet explain` gives the same account for one flow of a
 * deployment built by hand. Both run against a lab of their own, broken behind netvet's back.
 */
test.describe.configure({ mode: 'serial' });

test('matrix report names the ACL that drops a wrong cell once a security group loses its ICMP rule', async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/sg/remote-group.spec.ts'], lab.targetFile);
  await deleteAcl(lab, await whenAppears(() => findAcl(lab, (m) => m.includes('_web && ip4') && m.includes('icmp4'))));
  const result = await done;
  expect(result.code).not.toBe(0);
  // Below each wrong cell's repro line, drift first: the rule whose ACL is gone, in the topology's
  // words; then the datapath's account: the default-deny ACL of the drop group, as the NB names it.
  expect(result.output).toMatch(
    /client -> server icmp: expected allow, observed deny.*\n\s+repro: .*\n\s+why: drift: security group web: 1 of its \d+ ACLs is gone from port group nv\w+_web \(rule "ingress icmp from group web"\); the datapath: dropped by ACL "outport == @nv\w+_drop_ && ip" \(to-lport, priority 1001, drop\) of port group nv\w+_drop_ on switch nv\w+-net1\n/,
  );
  expect(result.output).toMatch(/server -> client icmp: expected allow, observed deny.*\n.*\n\s+why: drift: security group web: .*; the datapath: dropped by ACL "outport == @nv\w+_drop_ && ip"/);
  // Only the wrong cells are traced, each trace attached to the report.
  expect(result.output.match(/repro: .*\n\s+why: /g)).toHaveLength(2);
  // The reporter colours attachment titles.
  const plain = result.output.replace(/\x1b\[[\d;]*m/g, '');
  expect(plain.match(/attachment #\d+: why \w+ -> \w+ \S+ \(text\/plain\)/g)).toEqual([
    expect.stringContaining('why client -> server icmp'),
    expect.stringContaining('why server -> client icmp'),
  ]);
});

test('a single probe that contradicts its expectation carries the why: SNAT rule deleted, the packet leaves unrewritten', async ({ lab }) => {
  const { done } = runScenarios(['tests/scenarios/nat/snat.spec.ts'], lab.targetFile);
  const router = await whenAppears(() => routerWith(lab, 'nat'));
  await lab.nbctl('lr-nat-del', router, 'snat');
  const result = await done;
  expect(result.code).not.toBe(0);
  expect(result.output).toMatch(/expected the flow to pass, but: timeout\n\s+repro: .*\n\s+why: drift: router r1 lost its SNAT rule for [\d./]+; the datapath: leaves switch nv\w+-ext-r1 through localnet port nv\w+-ext-r1-ln with source 10\.5\.0\.2\n/);
  expect(result.output.replace(/\x1b\[[\d;]*m/g, '')).toMatch(/attachment #\d+: why vm1 -> ext1 tcp\/\d+ \(text\/plain\)/);
});

const apply = async (lab: FrameworkLab, file: string) => (await applyTopology(file, '--target', lab.targetFile)).prefix;

test('netvet explain: ACLs, NAT and a missing route on deployments built with topology apply', async ({ lab }) => {
  const sg = await apply(lab, 'topologies/security-group.yaml');
  const nat = await apply(lab, 'topologies/floating-ip.yaml');
  const l3 = await apply(lab, 'topologies/l3-router.yaml');
  const pg = sg.replace(/-$/, '_');
  try {
    const allowed = await explainFlow(sg, 'client', 'server', 'tcp/22');
    expect(allowed).toMatch(new RegExp(`^${sg} client -> server tcp/22: passes \\(reply: SSH-`));
    expect(allowed).toContain(`why: delivered to server (${sg}server-0) (allowed by ACL "inport == @${pg}web && ip4" (from-lport, priority 1002, allow-related)`);
    expect(allowed).toContain(`tcp.dst == 22" (to-lport, priority 1002, allow-related) of port group ${pg}web on switch ${sg}net1); its reply: delivered to client (${sg}client-0)`);

    const denied = await explainFlow(sg, 'outsider', 'server', 'tcp/22');
    expect(denied).toMatch(/: dropped \(timeout\)/);
    expect(denied).toContain(`why: dropped by ACL "outport == @${pg}drop_ && ip" (to-lport, priority 1001, drop) of port group ${pg}drop_ on switch ${sg}net1`);
    expect(denied).toContain('--- ovn-trace ---');
    expect(denied).toMatch(/--- logical flows of the deciding stages ---\nDatapath: "\S+net1" .*Pipeline: ingress\n\s+table=\d+ \(ls_in_acl\s*\)/);

    const inbound = await explainFlow(nat, 'runner', 'fip1', 'tcp/5000');
    expect(inbound).toMatch(/passes \(reply: vm1 /);
    expect(inbound).toMatch(new RegExp(`why: delivered to vm1 \\(${nat}vm1-0\\) \\(DNAT (\\S+) to 10\\.4\\.0\\.2 by NAT rule dnat_and_snat \\1 <-> 10\\.4\\.0\\.2 on router ${nat}r1\\); its reply: leaves switch ${nat}ext-r1 through localnet port ${nat}ext-r1-ln with source \\1\\n`));
    const outbound = await explainFlow(nat, 'vm2', 'runner', 'icmp');
    expect(outbound).toMatch(new RegExp(`SNAT 10\\.4\\.0\\.3 to \\S+ by NAT rule snat 10\\.4\\.0\\.0/24 -> \\S+ on router ${nat}r1`));

    expect(await explainFlow(l3, 'vm1', 'vm3', 'icmp')).toContain(`why: no route to 10.2.3.2 on router ${l3}r1`);
    expect(await explainFlow(l3, 'vm3', 'vm1', 'udp/7')).toContain(`why: no port on switch ${l3}net3 has 10.2.3.1, vm3's gateway toward 10.2.1.2`);

    // Broken behind netvet's back: the SSH rule goes, and the same flow is now dropped by the drop group.
    await deleteAcl(lab, (await findAcl(lab, (m) => m.startsWith(`outport == @${pg}web`) && m.includes('tcp.dst == 22')))!, '--wait=sb');
    const broken = await explainFlow(sg, 'client', 'server', 'tcp/22');
    expect(broken).toMatch(/: dropped \(timeout\)/);
    expect(broken).toMatch(new RegExp(`why: drift: security group web: 1 of its \\d+ ACLs is gone from port group ${pg}web \\(rule "ingress tcp/22 [^"]*"\\); the datapath: dropped by ACL "outport == @${pg}drop_ && ip" \\(to-lport, priority 1001, drop\\)`));
  } finally {
    for (const prefix of [sg, nat, l3]) expect((await netvet(['topology', 'destroy', '--prefix', prefix])).stdout).toContain(`removed ${prefix}`);
  }
  expect(await lab.nbctl('--bare', '--columns=name', 'list', 'Logical_Switch')).toBe('');
});

// A flow the datapath cannot be asked about (from the external network to an address that is no
// floating IP) is still probed; the why says it was not explained, with the fix netvet's error gives.
test('an explanation that fails keeps its fix', async ({ lab }) => {
  await withTarget(lab.targetFile, async (open) => {
    const prefix = 'nvx0-';
    // Explaining reads only the topology here: the error comes before any lookup on the target.
    const deployment: Deployment = { topology: await loadTopology('topologies/security-group.yaml', { macSeed: prefix }), prefix, workloads: {}, routers: {}, floatingIps: {} };
    const explained = await probeAndExplain(open, open.hosts, deployment, 'runner', '127.0.0.1', 'tcp/7');
    expect(explained.evidence).toBeUndefined();
    expect(explained.notExplained).toBe(`127.0.0.1 is no floating IP or router gateway of ${prefix}\n  fix: from the external network, OVN is entered only through those`);
    expect(formatExplainedProbe('runner -> 127.0.0.1 tcp/7', explained)).toMatch(/\nwhy: not explained: 127\.0\.0\.1 is no floating IP .*\n {2}fix: from the external network, OVN is entered only through those$/);
  });
});
