import { randomBytes } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Target } from '../../../target/schema';
import { NetvetError } from '../../../util/errors';
import { run } from '../../../util/exec';
import { missing, type Requirement } from '../../../util/packages';
import { EXTERNAL_BRIDGE, PHYSICAL_NETWORK } from '../../chassis';
import { connectionString, DATABASES } from '../../control-plane';
import type { Journal } from '../../journal';
import { adminToken, createExternalNetwork, liveAgents, registerService } from './bootstrap';
import { LAB_FLAVOR, LAB_IMAGE, NOVA_DATABASES, NOVA_REQUIREMENTS, prepareNova, startNova } from './compute';
import * as config from './config';
import type { OpenStackLayout } from './config';
import { answers, PYTHON, startService, untilNothingMissing, waitFor } from '../services';
import type { LabHost, LabPlan } from '../../plan';
import { plugManagementHost } from '../management-host';

/** What the OpenStack profile runs, by Debian package; `netvet setup --openstack` installs them. */
export const OPENSTACK_REQUIREMENTS: readonly Requirement[] = [
  { program: 'mariadbd', pkg: 'mariadb-server' },
  { program: 'mariadb-install-db', pkg: 'mariadb-server' },
  { program: 'keystone-manage', pkg: 'keystone' },
  { program: 'uwsgi', pkg: 'keystone' },
  { program: 'neutron-server', pkg: 'neutron-server' },
  { program: 'neutron-db-manage', pkg: 'neutron-server' },
  { program: '/usr/share/openstack-dashboard/manage.py', pkg: 'openstack-dashboard' },
];

/** Fails before anything is built when the OpenStack packages are not installed. */
export function requireOpenStackPackages(nova: boolean): void {
  const absent = missing([...OPENSTACK_REQUIREMENTS, ...(nova ? NOVA_REQUIREMENTS : [])]);
  if (absent.length) {
    throw new NetvetError(
      `the OpenStack profile needs ${absent.map((r) => r.program).join(', ')}`,
      `run 'netvet setup --openstack' (or: apt-get install -y ${[...new Set(absent.map((r) => r.pkg))].join(' ')})`,
    );
  }
}

/** The external network's name in Neutron, as installers (devstack) name it. */
export const EXTERNAL_NETWORK = 'public';

/** The host the OpenStack services run on: a namespace on the management network, like a controller node. */
export function apiHost(plan: LabPlan): LabHost {
  const [a, b] = plan.range.split('.');
  return { name: 'api1', netns: `nv-${plan.name}-api1`, roles: ['control'], management: `${a}.${b}.0.51`, dir: join(plan.dir, 'api1') };
}

const cloudName = (plan: LabPlan) => `netvet-${plan.name}`;
const cloudsYamlPath = (plan: LabPlan) => join(plan.dir, 'clouds.yaml');

/** The target file's view of the lab's OpenStack: credentials in clouds.yaml beside it, the dashboard, the external network. */
export function describeOpenStack(plan: LabPlan): { section: Partial<Target>; capabilities: string[] } {
  if (!plan.profile.openstack) return { section: {}, capabilities: [] };
  const host = apiHost(plan);
  const dashboard = plan.profile.openstack.dashboard;
  return {
    section: {
      openstack: {
        cloud: cloudName(plan),
        cloudsYaml: cloudsYamlPath(plan),
        externalNetwork: EXTERNAL_NETWORK,
        ...(plan.profile.openstack.nova ? { servers: 'nova' as const, flavor: LAB_FLAVOR, image: LAB_IMAGE } : { servers: 'port-binding' as const }),
        ...(dashboard ? { dashboardUrl: `http://${host.management}:${config.PORTS.dashboard}` } : {}),
      },
    },
    capabilities: dashboard ? ['gui:horizon'] : [],
  };
}

/** Each service's database, with a user of its name. */
const databases = (l: OpenStackLayout) => ['keystone', 'neutron', ...(l.nova ? NOVA_DATABASES : [])];

async function startMariadb(l: OpenStackLayout, host: LabHost, journal: Journal): Promise<void> {
  const cnf = join(l.dir, 'my.cnf');
  await writeFile(cnf, config.mariadbConfig(l));
  await run(['mariadb-install-db', `--defaults-file=${cnf}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { timeoutMs: 60_000 });
  const pid = await startService(journal, host, 'mariadbd', ['mariadbd', `--defaults-file=${cnf}`]);
  const socket = config.mariadbSocket(l);
  await waitFor('MariaDB', pid, join(l.dir, 'mariadbd.log'), async () => (await run(['mariadb-admin', `--socket=${socket}`, 'ping'], { allowFail: true })).code === 0);
  const grants = databases(l).map(
    (db) => `CREATE DATABASE ${db}; CREATE USER '${db}'@'127.0.0.1' IDENTIFIED BY '${l.passwords.database}'; GRANT ALL ON ${db}.* TO '${db}'@'127.0.0.1';`,
  );
  await run(['mariadb', `--socket=${socket}`, '-uroot'], { input: grants.join('\n') });
}

async function startKeystone(l: OpenStackLayout, host: LabHost, journal: Journal): Promise<void> {
  const manage = (args: string[], env?: NodeJS.ProcessEnv) =>
    run(['keystone-manage', '--config-file', config.keystoneConf(l), ...args], { netns: host.netns, timeoutMs: 180_000, env });
  await Promise.all([
    manage(['db_sync']),
    manage(['fernet_setup', '--keystone-user', 'root', '--keystone-group', 'root']),
    manage(['credential_setup', '--keystone-user', 'root', '--keystone-group', 'root']),
  ]);
  const url = config.keystoneUrl(l);
  await manage(
    ['bootstrap', '--bootstrap-region-id', 'RegionOne', '--bootstrap-admin-url', url, '--bootstrap-internal-url', url, '--bootstrap-public-url', url],
    { ...process.env, OS_BOOTSTRAP_PASSWORD: l.passwords.admin },
  );
  const ini = join(l.dir, 'keystone-uwsgi.ini');
  await writeFile(ini, config.keystoneUwsgiConfig(l));
  const pid = await startService(journal, host, 'keystone', ['uwsgi', '--ini', ini], { cwd: l.dir });
  await waitFor('Keystone', pid, join(l.dir, 'keystone.out'), answers(url, 200));
}

async function startNeutron(l: OpenStackLayout, host: LabHost, journal: Journal): Promise<number> {
  const confs = config.neutronConfs(l).flatMap((file) => ['--config-file', file]);
  await run(['neutron-db-manage', ...confs, 'upgrade', 'heads'], { netns: host.netns, timeoutMs: 300_000 });
  return startService(journal, host, 'neutron-server', [PYTHON, '/usr/bin/neutron-server', ...confs]);
}

async function startDashboard(l: OpenStackLayout, host: LabHost, journal: Journal): Promise<void> {
  await writeFile(join(l.dir, `${config.DASHBOARD_SETTINGS}.py`), config.dashboardSettings(l), { mode: 0o600 });
  const pid = await startService(
    journal,
    host,
    'horizon',
    [PYTHON, 'manage.py', 'runserver', '--insecure', '--noreload', `--pythonpath=${l.dir}`, `--settings=${config.DASHBOARD_SETTINGS}`, `${l.address}:${config.PORTS.dashboard}`],
    { cwd: '/usr/share/openstack-dashboard' },
  );
  await waitFor('Horizon', pid, join(l.dir, 'horizon.out'), answers(`${config.dashboardUrl(l)}/auth/login/`, 200));
}

/**
 * What Neutron expects of OVN when it starts. Neutron Zed reads a chassis' gateway mark (`ovn-cms-options`) and bridge mappings from the
 * southbound Chassis' external_ids, where ovn-controller put them before OVN 22; OVN 23 reports
 * them in other_config only. Copying them lets Neutron schedule router gateways on the gateway
 * chassis and bind their ports, as on a deployment whose versions match.
 */
async function prepareOvn(plan: LabPlan): Promise<void> {
  const sb = `--db=${connectionString(plan, DATABASES.southbound)}`;
  for (const host of plan.chassis.filter((c) => c.roles.includes('gateway'))) {
    const marks = ['external_ids:ovn-cms-options=enable-chassis-as-gw', `external_ids:ovn-bridge-mappings=${PHYSICAL_NETWORK}:${EXTERNAL_BRIDGE}`];
    await run(['ovn-sbctl', sb, '--timeout=10', 'set', 'Chassis', host.name, ...marks], { timeoutMs: 15_000 });
  }
  // Neutron makes this group (every secured port in it, dropping what no rule allows) before it
  // forks, over a short connection that a Raft cluster here often answers too late; it then goes
  // on without it and refuses every port for a while. The same group, made first, is what it finds.
  const drop = 'neutron_pg_drop';
  await run([
    'ovn-nbctl', `--db=${connectionString(plan, DATABASES.northbound)}`, '--timeout=10',
    'pg-add', drop,
    '--', 'acl-add', drop, 'from-lport', '1001', `inport == @${drop} && ip`, 'drop',
    '--', 'acl-add', drop, 'to-lport', '1001', `outport == @${drop} && ip`, 'drop',
  ], { timeoutMs: 15_000 });
}

/**
 * Ready is more than answering: Neutron must have loaded OVN's southbound view (every chassis an
 * agent, alive; gateways as gateway agents, or routers get no gateway) and created its
 * `neutron_pg_drop` port group in the northbound DB (until then every port create fails with 500).
 */
async function waitForNeutronOnOvn(plan: LabPlan, l: OpenStackLayout, token: string, timeoutMs = 60_000): Promise<void> {
  const nb = `--db=${connectionString(plan, DATABASES.northbound)}`;
  const missing = async () => {
    const agents = await liveAgents(l, token);
    const wrong = plan.chassis.filter((c) => {
      const type = agents.get(c.name);
      return !type || c.roles.includes('gateway') !== /Gateway/.test(type);
    });
    const dropGroup = (await run(['ovn-nbctl', nb, '--timeout=10', '--bare', '--columns=_uuid', 'find', 'Port_Group', 'name=neutron_pg_drop'], { timeoutMs: 15_000 })).stdout.trim();
    return [...wrong.map((c) => `agent ${c.name}`), ...(dropGroup ? [] : ['port group neutron_pg_drop'])];
  };
  await untilNothingMissing('Neutron is not ready on OVN', missing, `see ${join(l.dir, 'neutron-server.log')}`, timeoutMs);
}

/**
 * OpenStack on the lab: MariaDB, Keystone, Neutron (ML2/OVN, writing into the lab's NB/SB clusters,
 * routers on the gateway chassis that are marked enable-chassis-as-gw) and Horizon, all in api1;
 * with `nova`, also Nova (fake virt driver, a nova-compute per compute host), placement and Glance.
 * Schema migrations run in parallel; each service is started as soon as what it needs is there.
 */
export async function buildOpenStack(plan: LabPlan, journal: Journal, progress: (line: string) => void): Promise<void> {
  const host = apiHost(plan);
  const start = Date.now();
  const step = (what: string) => progress(`      ${((Date.now() - start) / 1000).toFixed(1).padStart(5)} s  ${what}`);
  await mkdir(host.dir, { recursive: true });
  // The services' configs, databases and logs: the owner's only, whatever each file's own mode.
  await chmod(host.dir, 0o700);
  const secret = () => randomBytes(12).toString('hex');
  const l: OpenStackLayout = {
    dir: host.dir,
    address: host.management,
    northbound: connectionString(plan, DATABASES.northbound),
    southbound: connectionString(plan, DATABASES.southbound),
    physicalNetwork: PHYSICAL_NETWORK,
    underlayMtu: plan.profile.mtu.underlay,
    nova: plan.profile.openstack?.nova ?? false,
    passwords: { admin: secret(), database: secret(), dashboardKey: secret(), messaging: secret() },
  };
  await plugManagementHost(plan, host, journal);
  await Promise.all([
    // Files holding passwords or keys are the owner's only.
    writeFile(config.keystoneConf(l), config.keystoneConfig(l), { mode: 0o600 }),
    writeFile(config.neutronConfs(l)[0], config.neutronConfig(l), { mode: 0o600 }),
    writeFile(config.neutronConfs(l)[1], config.ml2Config(l)),
    writeFile(cloudsYamlPath(plan), config.cloudsYaml(l, cloudName(plan)), { mode: 0o600 }),
  ]);
  await Promise.all([startMariadb(l, host, journal), prepareOvn(plan)]);
  step('MariaDB up, OVN prepared for Neutron');
  // Keystone first: the other services register in its catalog and check tokens with it.
  const keystone = startKeystone(l, host, journal).then(async () => (step('Keystone up'), adminToken(l)));
  const apis = async () => {
    const [neutronPid, token] = await Promise.all([startNeutron(l, host, journal).then((pid) => (step('Neutron schema migrated, neutron-server started'), pid)), keystone]);
    await registerService(l, token, { type: 'network', name: 'neutron', url: config.neutronUrl(l) });
    await waitFor('neutron-server', neutronPid, join(l.dir, 'neutron-server.log'), answers(`${config.neutronUrl(l)}/v2.0/networks`, 401));
    step('Neutron API up');
    await createExternalNetwork(l, token, {
      name: EXTERNAL_NETWORK,
      cidr: plan.external.cidr,
      gateway: plan.runner.external,
      // Neutron takes router gateways and floating IPs from one pool: the target's floating IP range.
      pool: { start: plan.external.floatingIps[0], end: plan.external.floatingIps[1] },
    });
    step(`external network '${EXTERNAL_NETWORK}' created`);
    await waitForNeutronOnOvn(plan, l, token);
    step('Neutron sees every chassis (gateways as gateways) and has its drop port group in OVN');
  };
  const dashboard = async () => {
    if (!plan.profile.openstack?.dashboard) return;
    await startDashboard(l, host, journal);
    step('Horizon up');
  };
  const nova = async () => {
    if (!l.nova) return;
    const computes = plan.chassis.filter((c) => c.roles.includes('compute'));
    await prepareNova(l, host, computes, journal);
    step('RabbitMQ up, placement, Glance and Nova schemas migrated (cells v2: cell0, cell1)');
    await startNova(l, host, computes, journal, await keystone, step);
  };
  // Settled, not raced: a failure tears the lab down only once nothing is still starting services.
  const failed = (await Promise.allSettled([apis(), dashboard(), nova(), keystone])).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
