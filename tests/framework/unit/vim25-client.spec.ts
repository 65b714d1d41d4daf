import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { VCSIM } from '../../../lib/lab/integrations/vmware/build';
import { vcenterLogin } from '../../../lib/orchestrators/vmware/credentials';
import { Vim25Client, VimFault, type VcenterLogin } from '../../../lib/orchestrators/vmware/vim25/client';
import { awaitTask, findByName, retrieveByType, viewSpec, createView, watch, type ObjectUpdate } from '../../../lib/orchestrators/vmware/vim25/properties';
import { text } from '../../../lib/orchestrators/vmware/vim25/xml';
import { run } from '../../../lib/util/exec';
import { terminate } from '../../../lib/util/processes';
import { NetvetError } from '../../../lib/util/errors';

/**
 * netvet's vim25 client against the real vCenter simulator (vcsim, built by `netvet setup
 * --vmware`) on loopback, over TLS with its own certificate and a password full of XML's special
 * characters: sessions, the PropertyCollector, tasks and their faults, WaitForUpdatesEx.
 */
test.describe.configure({ mode: 'serial' });

const PASSWORD = `p<&>"'w`;
let dir: string;
let vcsim: ChildProcess;
let login: VcenterLogin;

test.beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netvet-vim25-'));
  await run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')]);
  // Port 0: vcsim picks a free one and prints it (as GOVC_URL) once it listens.
  vcsim = spawn(VCSIM, ['-l', '127.0.0.1:0', '-tlscert', join(dir, 'cert.pem'), '-tlskey', join(dir, 'key.pem'), '-username', 'admin', '-password', PASSWORD,
    '-dc', '1', '-cluster', '1', '-host', '2', '-standalone-host', '0', '-vm', '1', '-pool', '0', '-app', '0', '-pg', '1'], { env: { ...process.env, TMPDIR: dir }, stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    vcsim.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /@127\.0\.0\.1:(\d+)\/sdk/.exec(out);
      if (found) resolve(found[1]);
    });
    vcsim.once('exit', () => reject(new Error(`vcsim exited: ${out}`)));
  });
  login = { url: `https://127.0.0.1:${port}/sdk`, username: 'admin', password: PASSWORD, ca: readFileSync(join(dir, 'cert.pem'), 'utf8') };
});

test.afterAll(async () => {
  if (vcsim?.pid) await terminate([vcsim.pid]);
  rmSync(dir, { recursive: true, force: true });
});

test('logs in over TLS with a password of XML special characters; a wrong one is vCenter\'s InvalidLogin', async () => {
  const client = new Vim25Client(login);
  const content = await client.connect();
  expect(content.about.fullName).toMatch(/VMware vCenter Server/);
  await client.logout();
  const wrong = new Vim25Client({ ...login, password: 'wrong' });
  await expect(wrong.connect()).rejects.toThrow(/Login failed with vCenter fault InvalidLogin/);
});

test('a certificate that chains to no given CA is refused before any password is sent', async () => {
  const client = new Vim25Client({ ...login, ca: undefined });
  await expect(client.connect()).rejects.toThrow(/does not answer: self[- ]signed certificate/);
});

test('the PropertyCollector lists objects by type; a failing task throws its fault, a good one returns', async () => {
  const client = new Vim25Client(login);
  await client.connect();
  const hosts = await retrieveByType(client, 'HostSystem', ['name']);
  expect(hosts.map((h) => text(h.props.get('name'))).sort()).toEqual(['DC0_C0_H0', 'DC0_C0_H1']);
  const vm = (await retrieveByType(client, 'VirtualMachine', ['name']))[0].obj;
  // vcsim's model starts its VMs powered on.
  const again = client.call('PowerOnVM_Task', vm).then((task) => awaitTask(client, task, 'powering on a running VM'));
  await expect(again).rejects.toBeInstanceOf(VimFault);
  await expect(again).rejects.toThrow(/powering on a running VM failed with vCenter fault InvalidPowerState/);
  await awaitTask(client, await client.call('PowerOffVM_Task', vm), 'powering off');
  await client.logout();
});

test('WaitForUpdatesEx reports the objects first, then what changes', async () => {
  const client = new Vim25Client(login);
  const { rootFolder } = await client.connect();
  const stop = new AbortController();
  const seen: ObjectUpdate[][] = [];
  const spec = viewSpec(await createView(client, rootFolder, ['DistributedVirtualPortgroup']), 'DistributedVirtualPortgroup', ['name']);
  const watching = watch(client, [spec], (updates) => {
    if (updates.length) seen.push(updates);
    if (seen.length === 2) stop.abort();
    return Promise.resolve();
  }, stop.signal);
  await expect.poll(() => seen.length).toBe(1);
  expect(seen[0].every((u) => u.kind === 'enter')).toBe(true);
  const dvs = (await findByName(client, 'DistributedVirtualSwitch', 'DVS0'))!;
  await awaitTask(client, await client.call('AddDVPortgroup_Task', dvs, { spec: [{ $type: 'DVPortgroupConfigSpec', name: 'added', type: 'earlyBinding' }] }), 'adding a port group');
  await watching;
  expect(seen[1].map((u) => [u.kind, text(u.changes.get('name'))])).toEqual([['enter', 'added']]);
  await client.logout();
});

test('credentials come from a govc file that only its owner reads; others are refused with the fix', () => {
  const file = join(dir, 'vcenter.env');
  const section = { url: 'https://vc.example/sdk', credentials: file, datacenter: 'dc', cluster: 'c', distributedSwitch: 'd', datastore: 'ds' };
  writeFileSync(file, `GOVC_USERNAME=admin\nexport GOVC_PASSWORD='s3cret'\n`, { mode: 0o644 });
  chmodSync(file, 0o644);
  expect(() => vcenterLogin(section, 'target.yaml')).toThrow(NetvetError);
  expect(() => vcenterLogin(section, 'target.yaml')).toThrow(/readable by others/);
  chmodSync(file, 0o600);
  expect(vcenterLogin(section, 'target.yaml')).toEqual({ url: section.url, username: 'admin', password: 's3cret' });
  writeFileSync(file, 'GOVC_USERNAME=admin\n');
  expect(() => vcenterLogin(section, 'target.yaml')).toThrow(/no vCenter user and password in .*vcenter\.env/);
});
