import { expect, test } from '@playwright/test';
import { run } from '../../../lib/util/exec';
import { applyTopology, labDirOf, netvet, withOwnLab } from '../support/cli';

/**
 * The BGP VPN profile: every compute chassis a PE whose session to gobgpd on ctl1 is established
 * when `lab up` returns; an attachment starts bagpipe's privsep helpers and gets a label the
 * looking glass names; `lab down` leaves no bagpipe-bgp, privsep helper or gobgpd (withOwnLab
 * checks every process naming the lab's folder is gone).
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
  });
});
