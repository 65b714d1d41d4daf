import { expect } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { run } from '../../../lib/util/exec';
import { applyTopology, netvet } from '../support/cli';
import { runScenarios, test } from '../support/lab';
import { cloudEnv, openstack, openstackLeftovers } from '../support/openstack';

/**
 * The Nova path on an OpenStack lab running a real Nova (fake virt driver, a nova-compute on each
 * compute host): servers are booted through Nova on the ports netvet made, on the hosts the
 * topology pins them to, and Neutron binds their ports there at Nova's request; the sanity tier
 * passes through it unchanged; a server Nova cannot place fails the deployment with Nova's own
 * fault and leaves nothing; destroy leaves no server, port or project.
 */
// Child runs of whole tiers through OpenStack: minutes each on a busy 2-core machine.
test.describe.configure({ mode: 'serial', timeout: 600_000 });
test.use({ labProfile: 'topologies/labs/openstack-nova.yaml' });

test('servers are booted through Nova on the pinned hosts, their ports bound there by Nova; destroy leaves nothing', async ({ lab }) => {
  const { prefix, stdout } = await applyTopology('topologies/l2-two-chassis.yaml', '--target', lab.targetFile, '--orchestrator', 'openstack');
  try {
    const pinned = Object.fromEntries([...stdout.matchAll(/workload (\S+) on (\S+):/g)].map(([, name, host]) => [`${prefix}${name}`, host]));
    const servers = (await openstack<Array<{ ID: string; Name: string; Status: string; Host: string }>>(lab, 'server', 'list', '--all-projects', '--long')).filter((s) => s.Name.startsWith(prefix));
    expect(Object.fromEntries(servers.map((s) => [s.Name, `${s.Status} on ${s.Host}`]))).toEqual(Object.fromEntries(Object.entries(pinned).map(([name, host]) => [name, `ACTIVE on ${host}`])));
    for (const server of servers) {
      const ports = await openstack<Array<{ ID: string }>>(lab, 'port', 'list', '--server', server.ID);
      expect(ports, `ports of ${server.Name}`).toHaveLength(1);
      const port = await openstack<{ binding_host_id: string; device_owner: string; status: string; binding_vif_type: string }>(lab, 'port', 'show', ports[0].ID);
      // Nova asked Neutron to bind it on the server's host; the lab's VIF plug brought it up.
      expect(port).toMatchObject({ binding_host_id: server.Host, device_owner: 'compute:nova', status: 'ACTIVE', binding_vif_type: 'ovs' });
    }
  } finally {
    const destroyed = await netvet(['topology', 'destroy', '--prefix', prefix]);
    expect(destroyed.code, destroyed.stderr).toBe(0);
  }
  expect(await openstackLeftovers(lab, prefix)).toEqual([]);
});

test('the sanity tier passes with every server booted through Nova', async ({ lab }) => {
  const before = (await openstack<unknown[]>(lab, 'server', 'list', '--all-projects', '--deleted')).length;
  const result = await runScenarios(['--grep', '@sanity(\\s|$)'], lab.targetFile, {}, 'openstack').done;
  expect(result.code, result.output).toBe(0);
  expect(result.output).toMatch(/\d+ passed/);
  // Every deployment's servers went through Nova (and are deleted now).
  expect((await openstack<unknown[]>(lab, 'server', 'list', '--all-projects', '--deleted')).length).toBeGreaterThan(before + 5);
  expect(await openstackLeftovers(lab, 'nv')).toEqual([]);
});

test("a server Nova cannot place fails the deployment with Nova's fault, and nothing is left", async ({ lab }) => {
  const dir = mkdtempSync(join(tmpdir(), 'netvet-nova-'));
  const flavor = `nvhuge${process.pid}`;
  // More disk than the fake driver reports (and than no quota limits): placement finds no host for it.
  await openstack(lab, 'flavor', 'create', '--ram', '64', '--vcpus', '1', '--disk', '2000000', flavor);
  try {
    const target = parse(readFileSync(lab.targetFile, 'utf8')) as { openstack: Record<string, unknown> };
    target.openstack.flavor = flavor;
    const targetFile = join(dir, 'target.yaml');
    writeFileSync(targetFile, stringify(target));
    const applied = await netvet(['topology', 'apply', 'topologies/l2-two-chassis.yaml', '--target', targetFile, '--orchestrator', 'openstack']);
    expect(applied.code).not.toBe(0);
    expect(applied.stderr).toMatch(/Nova could not build server nvm\w+-vm\d \([0-9a-f-]+\): No valid host was found/);
    expect(applied.stderr).not.toMatch(/\n\s+at /);
    expect(await openstackLeftovers(lab, 'nvm')).toEqual([]);
  } finally {
    await run(['openstack', 'flavor', 'delete', flavor], { env: cloudEnv(lab), timeoutMs: 60_000 });
    rmSync(dir, { recursive: true, force: true });
  }
});
