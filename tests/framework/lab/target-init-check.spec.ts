import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { stringify } from 'yaml';
import { loadTarget } from '../../../lib/target/load';
import { netvet } from '../support/cli';
import { test } from '../support/lab';

/**
 * `netvet target init` finds a deployment from its databases and SSH alone, and `netvet target
 * check` verifies any target file: on a lab of its own, init (given only the NB/SB connection
 * strings, the key, the hosts' names and addresses and the external network) writes a target file
 * equal to the one `lab up` wrote in every part it can find; check passes on it, and names an
 * unreachable host and a database that does not answer, with the fix.
 */
test.describe.configure({ mode: 'serial' });

test('target init finds the lab as lab up describes it, and target check passes on what it wrote', async ({ lab }) => {
  const dir = await mkdtemp(join(tmpdir(), 'netvet-init-'));
  try {
    const output = join(dir, 'found.yaml');
    const ovn = lab.target.ovn!;
    const external = lab.target.externalNetwork!;
    const init = await netvet([
      'target', 'init', '--nb', ovn.northbound, '--sb', ovn.southbound, '--ssh-key', lab.target.access.ssh.privateKey,
      ...lab.target.hosts.flatMap((h) => ['--host', `${h.name}=${h.management}`]),
      '--external-cidr', external.cidr, '--external-gateway', external.gateway, '--name', 'found', '--output', output,
    ]);
    expect(init.code, init.stderr).toBe(0);
    const found = await loadTarget(output);
    const shape = (hosts: typeof found.hosts) => hosts.map(({ name, roles, management, data, integrationBridge, hostKey }) => ({ name, roles, management, data, integrationBridge, hostKey })).sort((a, b) => a.name.localeCompare(b.name));
    expect(shape(found.hosts)).toEqual(shape(lab.target.hosts));
    expect(found.ovn).toEqual(ovn);
    expect(found.externalNetwork?.physicalNetwork).toBe(external.physicalNetwork);
    expect(found.externalNetwork?.runnerAddress).toBe(external.runnerAddress);
    expect(found.capabilities).toEqual(expect.arrayContaining(lab.target.capabilities.filter((c) => !c.startsWith('underlay:') || c === 'underlay:separate')));

    const check = await netvet(['target', 'check', '--target', output]);
    expect(check.code, check.stdout).toBe(0);
    expect(check.stdout).toMatch(/^target 'found' \(ovn through ovn-northbound\): healthy$/m);

    const again = await netvet(['target', 'init', '--nb', ovn.northbound, '--sb', ovn.southbound, '--ssh-key', lab.target.access.ssh.privateKey, '--output', output]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`${output} exists\n  fix: choose another --output, or add --force to replace it`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('target check names a host that does not answer SSH and a database that does not answer, with the fix', async ({ lab }) => {
  const dir = await mkdtemp(join(tmpdir(), 'netvet-check-'));
  try {
    // An address in the lab's own range that no namespace holds: the lab's unreachable route refuses it at once.
    const [a, b] = lab.target.hosts[0].management.split('.');
    const nowhere = `${a}.${b}.0.199`;
    const broken = {
      ...lab.target,
      hosts: lab.target.hosts.map((h) => (h.name === 'ch3' ? { ...h, management: nowhere } : h)),
      ovn: { ...lab.target.ovn!, northbound: `tcp:${nowhere}:6641` },
    };
    const file = join(dir, 'broken.yaml');
    await writeFile(file, stringify(broken));
    const check = await netvet(['target', 'check', '--target', file]);
    expect(check.code, check.stdout).toBe(1);
    expect(check.stdout).toMatch(/UNHEALTHY/);
    expect(check.stdout).toMatch(new RegExp(`! host ch3 \\(${nowhere.replace(/\./g, '\\.')}\\) does not answer SSH: .*\\(check hosts\\[\\]\\.management, access\\.ssh and that sshd runs there\\)`));
    expect(check.stdout).toContain(`! the northbound database does not answer at tcp:${nowhere}:6641 (check ovn.northbound in the target file and that the server runs)`);
    // Only ch3 is blamed for SSH.
    expect(check.stdout.match(/does not answer SSH/g)).toHaveLength(1);
    const json = JSON.parse((await netvet(['target', 'check', '--target', file, '--json'])).stdout) as { healthy: boolean; ssh: Array<{ host: string; answers: boolean }> };
    expect(json.healthy).toBe(false);
    expect(json.ssh.filter((s) => !s.answers).map((s) => s.host)).toEqual(['ch3']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
