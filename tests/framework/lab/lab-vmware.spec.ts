import { expect, test } from '@playwright/test';
import { statSync } from 'node:fs';
import { GOVC } from '../../../lib/lab/integrations/vmware/build';
import { withTarget } from '../../../lib/orchestrators/lifecycle';
import { loadTarget } from '../../../lib/target/load';
import { run } from '../../../lib/util/exec';
import { withOwnLab } from '../support/cli';

/**
 * The vCenter lab: `lab up` with topologies/labs/vmware.yaml writes a vmware section and an
 * owner-only credentials file beside the target file; govc, reading that file as a shell sources
 * it, finds the datacenter's cluster with one ESXi host per compute chassis (named as the chassis)
 * and the distributed switch; the vCenter plugin runs as a process of the lab; `lab down` leaves
 * nothing (vcsim, the plugin, their files included).
 */
test('vCenter lab: govc answers with the chassis as ESXi hosts; lab down leaves nothing', async () => {
  await withOwnLab('vc', 'topologies/labs/vmware.yaml', async ({ targetFile, up }) => {
    expect(up.stdout).toMatch(/vCenter \(vcsim\) on vc1: ESXi hosts ch1, ch2, ch3; the vCenter plugin/);
    const target = await loadTarget(targetFile);
    const credentials = target.vmware!.credentials!;
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    const govc = (...args: string[]) => run(['sh', '-c', 'set -a && . "$1" && shift && exec "$@"', 'sh', credentials, GOVC, ...args], { timeoutMs: 20_000 });
    expect((await govc('about')).stdout).toMatch(/API type:\s+VirtualCenter/);
    // What the report's environment shows of vCenter: what it says it is.
    expect(await withTarget(targetFile, ({ orchestrator }) => orchestrator.versions!(), 'vmware')).toEqual({ vcenter: expect.stringMatching(/^VMware vCenter Server .+ \(API \d/) });
    const computes = target.hosts.filter((h) => h.roles.includes('compute')).map((h) => h.name);
    const hosts = (await govc('ls', `/${target.vmware!.datacenter}/host/${target.vmware!.cluster}`)).stdout.split('\n').filter((l) => !l.endsWith('/Resources') && l);
    expect(hosts.map((h) => h.split('/').pop())).toEqual(computes);
    expect((await govc('ls', `/${target.vmware!.datacenter}/network`)).stdout).toContain(`/${target.vmware!.distributedSwitch}`);
    const status = JSON.parse((await run([process.execPath, 'bin/netvet.js', 'lab', 'status', '--name', targetFile.split('/').at(-2)!, '--json'])).stdout) as { health: { daemons: Array<{ daemon: string; alive: boolean }> } };
    expect(status.health.daemons.filter((d) => ['vcsim', 'vcenter-plugin'].includes(d.daemon))).toEqual([
      expect.objectContaining({ daemon: 'vcsim', alive: true }),
      expect.objectContaining({ daemon: 'vcenter-plugin', alive: true }),
    ]);
  });
});
