import { expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { applyTopology, explainFlow, netvet } from '../support/cli';
import { test, type FrameworkLab } from '../support/lab';
import { deleteAcl, findAcl } from '../support/northbound';
import { openstackLeftovers } from '../support/openstack';

/**
 * `netvet topology apply --orchestrator openstack`, `explain` and `topology destroy` on an OpenStack
 * lab of their own: a deployment built through Keystone and Neutron by hand is found again from its
 * journal, its flows are traced through OVN and told in the topology's words (security group and
 * rule, network, router), a rule deleted behind Neutron's back shows as the drop it causes, and
 * destroy leaves nothing in Keystone, Neutron, OVN or on the compute hosts. A target without OVN
 * databases says the datapath cannot be traced; a wrong --orchestrator or a target without OpenStack
 * is refused before anything is built.
 */
test.describe.configure({ mode: 'serial' });
test.use({ labProfile: 'topologies/labs/openstack.yaml' });

/** The lab's target file without some of its sections (a cloud whose OVN netvet cannot reach, a lab without OpenStack). */
function targetWithout(lab: FrameworkLab, dir: string, ...sections: string[]): string {
  const target = parse(readFileSync(lab.targetFile, 'utf8')) as Record<string, unknown>;
  for (const section of sections) delete target[section];
  const file = join(dir, `target-without-${sections.join('-')}.yaml`);
  writeFileSync(file, stringify(target));
  return file;
}

const apply = async (lab: FrameworkLab, file: string) => (await applyTopology(file, '--target', lab.targetFile, '--orchestrator', 'openstack')).prefix;

test('explain through OpenStack names the security group rule that allows a flow and the group that has none for a denied one; destroy leaves nothing', async ({ lab }) => {
  const sg = await apply(lab, 'topologies/security-group.yaml');
  const fip = await apply(lab, 'topologies/floating-ip.yaml');
  try {
    const allowed = await explainFlow(sg, 'client', 'server', 'tcp/22');
    expect(allowed).toMatch(new RegExp(`^${sg} client -> server tcp/22: passes \\(reply: SSH-`));
    expect(allowed).toContain(
      `why: delivered to server (${sg}server-0) (allowed by rule "egress any to anywhere" of security group web on network net1; ` +
        `allowed by rule "ingress tcp/22 from group web" of security group web on network net1); its reply: delivered to client (${sg}client-0)\n`,
    );

    const denied = await explainFlow(sg, 'outsider', 'server', 'tcp/22');
    expect(denied).toMatch(/: dropped \(timeout\)/);
    expect(denied).toContain(
      `why: dropped by Neutron's drop ACL "outport == @neutron_pg_drop && ip" (to-lport, priority 1001) on network net1: no ingress rule of security group web on server's port allows it\n`,
    );
    expect(denied).toContain('allowed by rule "egress any to anywhere" of security group other on network net1');
    expect(denied).toMatch(/--- logical flows of the deciding stages ---\nDatapath: "neutron-[0-9a-f-]+" aka "\S+net1"/);

    const inbound = await explainFlow(fip, 'runner', 'fip1', 'tcp/5000');
    expect(inbound).toMatch(/passes \(reply: vm1 /);
    expect(inbound).toMatch(new RegExp(`why: delivered to vm1 \\(${fip}vm1-0\\) \\(DNAT (\\S+) to 10\\.4\\.0\\.2 by NAT rule dnat_and_snat \\1 <-> 10\\.4\\.0\\.2 on router r1\\); its reply: leaves external network public through localnet port \\S+ with source \\1\\n`));

    // Broken behind Neutron's back: the SSH rule's ACL goes, and the same flow is now Neutron's drop.
    await deleteAcl(lab, (await findAcl(lab, (match) => match.includes('tcp.dst == 22')))!, '--wait=sb');
    const broken = await explainFlow(sg, 'client', 'server', 'tcp/22');
    expect(broken).toMatch(/: dropped \(timeout\)/);
    expect(broken).toMatch(/why: drift: security group web: 1 of its \d+ ACLs is gone from port group pg_\w+ \(rule "ingress tcp\/22 [^"]*"\); the datapath: dropped by Neutron's drop ACL "outport == @neutron_pg_drop && ip" \(to-lport, priority 1001\) on network net1: no ingress rule of security group web on server's port allows it\n/);
  } finally {
    for (const prefix of [sg, fip]) expect((await netvet(['topology', 'destroy', '--prefix', prefix])).stdout).toContain(`removed ${prefix}`);
  }
  expect(await openstackLeftovers(lab, sg)).toEqual([]);
  expect(await openstackLeftovers(lab, fip)).toEqual([]);
});

test('explain says the datapath cannot be traced on a target without OVN databases; apply refuses an unknown orchestrator and a target without OpenStack', async ({ lab }) => {
  const dir = mkdtempSync(join(tmpdir(), 'netvet-targets-'));
  try {
    const unknown = await netvet(['topology', 'apply', 'topologies/security-group.yaml', '--target', lab.targetFile, '--orchestrator', 'kubernetes']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("netvet has no orchestrator 'kubernetes'\n  fix: use --orchestrator with one of: ovn-northbound, openstack, bagpipe, vmware");
    const noCloud = await netvet(['topology', 'apply', 'topologies/security-group.yaml', '--target', targetWithout(lab, dir, 'openstack'), '--orchestrator', 'openstack']);
    expect(noCloud.code).toBe(2);
    expect(noCloud.stderr).toMatch(/target '\S+' cannot serve the openstack orchestrator\n\s+fix: add openstack: \{ cloud \} to the target file/);

    const sg = await apply(lab, 'topologies/security-group.yaml');
    try {
      const blind = await netvet(['explain', '--prefix', sg, '--target', targetWithout(lab, dir, 'ovn'), 'client', 'server', 'tcp/22']);
      expect(blind.code, blind.stderr).toBe(0);
      // The probe still runs; only the why is missing, and says so.
      expect(blind.stdout).toMatch(new RegExp(`^${sg} client -> server tcp/22: passes`));
      expect(blind.stdout).toMatch(/why: not explained: target '\S+' gives no OVN databases, so netvet cannot trace client -> server through the datapath\n {2}fix: on an OVN deployment \(ML2\/OVN too\), add ovn\.northbound and ovn\.southbound to the target file; elsewhere, trust the probe and read the reachability matrix\n?$/);
    } finally {
      expect((await netvet(['topology', 'destroy', '--prefix', sg])).stdout).toContain(`removed ${sg}`);
    }
    expect(await openstackLeftovers(lab, sg)).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
