import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { run } from '../../../lib/util/exec';
import { applyTopology, labDirOf, netvet, withOwnLab } from '../support/cli';

/**
 * The BGP VPN profile: every compute chassis a PE whose session to gobgpd on ctl1 is established
 * when `lab up` returns; an attachment starts bagpipe's privsep helpers and gets a label the
 * looking glass names; what the bagpipe driver cannot build is refused before anything is made,
 * naming the file and the fix; `lab down` leaves no bagpipe-bgp, privsep helper or gobgpd
 * (withOwnLab checks every process naming the lab's folder is gone).
 */
test('a bgpvpn lab: sessions established, a label per attached port, nothing left of BaGPipe or the reflector after lab down', async () => {
  await withOwnLab('bv', 'topologies/labs/bgpvpn.yaml', async ({ name, targetFile, up }) => {
    expect(up.stdout).toMatch(/BGP VPN: gobgpd route reflector on ctl1, bagpipe-bgp on ch1, ch2, ch3 \(mplsogre\), sessions established/);
    const check = await netvet(['target', 'check', '--target', targetFile]);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/bgpvpn through bagpipe\): healthy/);
    expect(check.stdout.match(/PE ch\d: session to [\d.]+ Established/g)).toHaveLength(3);

    const env = { ...process.env, NETVET_TARGET: targetFile };
    const { prefix } = await applyTopology('topologies/l2-two-chassis.yaml', '--target', targetFile);
    try {
      const helpers = (await run(['ps', '-eo', 'args='])).stdout.split('\n').filter((p) => p.includes('privsep-helper') && p.includes(`${labDirOf(name)}/`));
      expect(helpers.length).toBeGreaterThanOrEqual(2);
      const explained = await netvet(['explain', '--prefix', prefix, 'vm1', 'vm2', 'icmp'], { env });
      expect(explained.stdout).toMatch(/why: VPN net1 on ch\d routes 10\.1\.0\.\d+ by 10\.1\.0\.\d+\/32 to next hop [\d.]+, label \d+ \(GRE/);
    } finally {
      expect((await netvet(['topology', 'destroy', '--prefix', prefix], { env })).code).toBe(0);
    }

    const groups = await netvet(['topology', 'apply', 'topologies/security-group.yaml', '--target', targetFile]);
    expect(groups.code).not.toBe(0);
    expect(groups.stderr).toMatch(/topologies\/security-group\.yaml: topology security-group has security groups, which the bagpipe orchestrator does not build/);
    const dir = mkdtempSync(join(tmpdir(), 'netvet-bgpvpn-'));
    try {
      const together = join(dir, 'together.yaml');
      writeFileSync(together, 'networks: [{ name: net1, subnets: [{ cidr: 10.1.0.0/24 }] }]\nworkloads: [{ name: a, ports: [{ network: net1 }] }, { name: b, ports: [{ network: net1 }] }]\nplacement: [{ together: [a, b] }]\n');
      const shared = await netvet(['topology', 'apply', together, '--target', targetFile]);
      expect(shared.code).not.toBe(0);
      expect(shared.stderr).toContain('a and b of topology together would share network net1 on ch');
      expect(shared.stderr).toContain('fix: place them on different PEs (placement: spread: [a, b])');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
