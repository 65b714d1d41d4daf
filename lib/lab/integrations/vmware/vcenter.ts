import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Vim25Client, type VcenterLogin } from '../../../orchestrators/vmware/vim25/client';
import type { Target } from '../../../target/schema';
import { run } from '../../../util/exec';
import type { Journal } from '../../journal';
import type { LabHost, LabPlan } from '../../plan';
import { startService, waitFor } from '../services';
import { VCSIM } from './build';
import { INVENTORY, shapeInventory } from './inventory';
import { plugManagementHost } from '../management-host';

/** The host vCenter runs on: a namespace on the management network, as a vCenter appliance sits on it. */
export function vcenterHost(plan: LabPlan): LabHost {
  const [a, b] = plan.range.split('.');
  return { name: 'vc1', netns: `nv-${plan.name}-vc1`, roles: ['control'], management: `${a}.${b}.0.52`, dir: join(plan.dir, 'vc1') };
}

/** govc's own variables, so `set -a; . vcenter.env; govc about` works as the driver's login does. */
export const credentialsPath = (plan: LabPlan) => join(plan.dir, 'vcenter.env');
const certificatePath = (host: LabHost) => join(host.dir, 'vcenter.pem');
const sdkUrl = (host: LabHost) => `https://${host.management}/sdk`;

export function describeVcenter(plan: LabPlan): { section: Partial<Target>; capabilities: string[] } {
  if (!plan.profile.vmware) return { section: {}, capabilities: [] };
  return {
    section: { vmware: { url: sdkUrl(vcenterHost(plan)), credentials: credentialsPath(plan), ...INVENTORY } },
    capabilities: [],
  };
}

/** A self-signed certificate for the vCenter's address, as a fresh appliance has. */
async function selfSignedCertificate(host: LabHost): Promise<{ cert: string; key: string }> {
  const key = join(host.dir, 'vcenter.key');
  await run(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '30',
    '-subj', `/CN=${host.management}`, '-addext', `subjectAltName=IP:${host.management}`, '-keyout', key, '-out', certificatePath(host)]);
  return { cert: certificatePath(host), key };
}

/**
 * vCenter on the lab: vcsim on vc1's management address (port 443, TLS with its own certificate,
 * one user and a random password), shaped as the lab's datacenter (lib/lab/integrations/vmware/inventory.ts),
 * and the credentials written beside the target file, the owner's only.
 */
export async function buildVcenter(plan: LabPlan, journal: Journal, progress: (line: string) => void): Promise<VcenterLogin> {
  const host = vcenterHost(plan);
  const start = Date.now();
  const step = (what: string) => progress(`      ${((Date.now() - start) / 1000).toFixed(1).padStart(5)} s  ${what}`);
  const datastore = join(host.dir, INVENTORY.datastore);
  await mkdir(datastore, { recursive: true });
  await plugManagementHost(plan, host, journal);
  const { cert, key } = await selfSignedCertificate(host);
  const login: VcenterLogin = { url: sdkUrl(host), username: plan.profile.vmware?.username ?? 'administrator@vsphere.local', password: randomBytes(12).toString('hex'), ca: await readFile(cert, 'utf8') };
  await writeFile(
    credentialsPath(plan),
    [`GOVC_URL=${login.url}`, `GOVC_USERNAME=${login.username}`, `GOVC_PASSWORD=${login.password}`, `GOVC_TLS_CA_CERTS=${cert}`, `GOVC_DATACENTER=${INVENTORY.datacenter}`, ''].join('\n'),
    { mode: 0o600 },
  );
  // One datacenter with one empty cluster; the hosts are added by name below. vcsim keeps its
  // files in TMPDIR: the lab's folder, so lab down removes them. Its certificate path names the lab's folder.
  const pid = await startService(
    journal,
    host,
    'vcsim',
    [VCSIM, '-l', `${host.management}:443`, '-tlscert', cert, '-tlskey', key, '-username', login.username, '-password', login.password,
      '-dc', '1', '-cluster', '1', '-host', '0', '-standalone-host', '0', '-vm', '0', '-pool', '0', '-app', '0', '-pg', '0', '-ds', '0', '-E', '/dev/null'],
    { env: { ...process.env, TMPDIR: host.dir } },
  );
  const client = new Vim25Client(login);
  await waitFor('vcsim', pid, join(host.dir, 'vcsim.out'), async () => (await client.serviceContent(), true), 30_000);
  await client.connect();
  step(`vcsim answers on ${login.url}`);
  const computes = plan.chassis.filter((c) => c.roles.includes('compute')).map((c) => c.name);
  await shapeInventory(client, computes, datastore);
  await client.logout();
  step(`datacenter ${INVENTORY.datacenter}, cluster ${INVENTORY.cluster} of ESXi hosts ${computes.join(', ')}, distributed switch ${INVENTORY.distributedSwitch}`);
  return login;
}
