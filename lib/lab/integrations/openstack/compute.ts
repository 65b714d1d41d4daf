import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { NetvetError } from '../../../util/errors';
import { run } from '../../../util/exec';
import type { Requirement } from '../../../util/packages';
import type { Journal } from '../../journal';
import { call, registerService } from './bootstrap';
import * as config from './compute-config';
import { PORTS, type OpenStackLayout } from './config';
import { answers, PYTHON, startService, untilNothingMissing, waitFor } from '../services';
import type { LabHost } from '../../plan';

/** What Nova on the lab runs, by Debian package (`netvet setup --openstack` installs them). */
export const NOVA_REQUIREMENTS: readonly Requirement[] = [
  { program: '/usr/lib/rabbitmq/bin/rabbitmq-server', pkg: 'rabbitmq-server' },
  { program: 'placement-manage', pkg: 'placement-api' },
  { program: 'glance-api', pkg: 'glance-api' },
  { program: 'glance-manage', pkg: 'glance-api' },
  { program: 'nova-api', pkg: 'nova-api' },
  { program: 'nova-manage', pkg: 'nova-common' },
  { program: 'nova-conductor', pkg: 'nova-conductor' },
  { program: 'nova-scheduler', pkg: 'nova-scheduler' },
];

/** Databases Nova, placement and Glance keep in the lab's MariaDB (each with a user of its name). */
export const NOVA_DATABASES = ['nova_api', 'nova', 'nova_cell0', 'placement', 'glance'];

/** What servers boot from on the lab: the fake virt driver never reads the image, so one of a few bytes does. */
export const LAB_FLAVOR = 'netvet.tiny';
export const LAB_IMAGE = 'netvet-fake';

/**
 * nova-compute is started from the library (python3-nova): Debian's nova-compute package pulls a
 * hypervisor (QEMU, libvirt), which the fake driver does not use.
 */
const NOVA_COMPUTE = ['-c', 'import sys; from nova.cmd.compute import main; sys.argv[0] = "nova-compute"; sys.exit(main())'];

const amqpAnswers = (l: OpenStackLayout) => () =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: l.address, port: PORTS.amqp, timeout: 1000 }, () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false)).once('timeout', () => (socket.destroy(), resolve(false)));
  });

/**
 * What Nova needs before its services start, run beside Neutron's migrations: the message bus,
 * and the schemas of placement, Glance and Nova (API, cell0, cell1, as `nova-manage` sets up cells v2).
 */
export async function prepareNova(l: OpenStackLayout, host: LabHost, computes: LabHost[], journal: Journal): Promise<void> {
  const rabbit = config.rabbitmqDir(l);
  await Promise.all([mkdir(join(rabbit, 'mnesia'), { recursive: true }), mkdir(join(rabbit, 'log'), { recursive: true }), mkdir(config.placementConfigDir(l), { recursive: true })]);
  await Promise.all([
    writeFile(join(rabbit, 'rabbitmq.conf'), config.rabbitmqConfig(l), { mode: 0o600 }),
    writeFile(config.placementConf(l), config.placementConfig(l), { mode: 0o600 }),
    writeFile(config.glanceConf(l), config.glanceConfig(l), { mode: 0o600 }),
    writeFile(config.novaConf(l), config.novaConfig(l), { mode: 0o600 }),
    ...computes.map((c) => writeFile(config.novaComputeConf(c), config.novaConfig(l, c), { mode: 0o600 })),
  ]);
  // The lab's folder on the command line marks the broker (and the Erlang VM under it) as the lab's.
  const pid = await startService(journal, host, 'rabbitmq', ['/usr/lib/rabbitmq/bin/rabbitmq-server', '-netvet_lab', l.dir], { cwd: rabbit, env: config.rabbitmqEnvironment(l) });
  const manage = (argv: string[]) => run(argv, { netns: host.netns, timeoutMs: 300_000 });
  const nova = (args: string[]) => manage(['nova-manage', '--config-file', config.novaConf(l), ...args]);
  await Promise.all([
    waitFor('RabbitMQ', pid, join(l.dir, 'rabbitmq.out'), amqpAnswers(l)),
    manage(['placement-manage', '--config-file', config.placementConf(l), 'db', 'sync']),
    manage(['glance-manage', '--config-file', config.glanceConf(l), 'db_sync']),
    (async () => {
      await nova(['api_db', 'sync']);
      await nova(['cell_v2', 'map_cell0', '--database_connection', config.cell0Database(l)]);
      await nova(['cell_v2', 'create_cell', '--name', 'cell1']);
      await nova(['db', 'sync']);
    })(),
  ]);
}

/** Admin REST calls to Nova and placement, as the lab's bootstrap makes them. */
async function novaServices(l: OpenStackLayout, token: string): Promise<Array<{ binary: string; host: string; state: string }>> {
  const { json } = await call('GET', `${config.novaUrl(l)}/os-services`, token);
  return json.services as Array<{ binary: string; host: string; state: string }>;
}

async function resourceProviders(l: OpenStackLayout, token: string): Promise<string[]> {
  const { json } = await call('GET', `${config.placementUrl(l)}/resource_providers`, token);
  return (json.resource_providers as Array<{ name: string }>).map((p) => p.name);
}

/** The image servers boot from, uploaded to Glance (v2: create, then the bytes). */
async function uploadImage(l: OpenStackLayout, token: string): Promise<void> {
  const { json } = await call('POST', `${config.glanceUrl(l)}/v2/images`, token, { name: LAB_IMAGE, disk_format: 'raw', container_format: 'bare', visibility: 'public' });
  const response = await fetch(`${config.glanceUrl(l)}/v2/images/${json.id as string}/file`, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'x-auth-token': token },
    body: new Uint8Array(1024),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) throw new NetvetError(`uploading the image ${LAB_IMAGE} to Glance answered ${response.status}: ${(await response.text()).slice(0, 300)}`, `see ${join(l.dir, 'glance-api.log')}`);
}

/**
 * Nova's services: placement, Glance, nova-api, conductor and scheduler on api1, and one
 * nova-compute (fake virt driver) in each compute host's namespace, named as its OVN chassis so
 * Neutron binds a server's ports there. Ready once every compute is up, mapped to cell1 and a
 * resource provider in placement, with the lab's flavor and image in place.
 */
export async function startNova(l: OpenStackLayout, host: LabHost, computes: LabHost[], journal: Journal, token: string, step: (what: string) => void): Promise<void> {
  const services = [
    { type: 'placement', name: 'placement', url: config.placementUrl(l) },
    { type: 'image', name: 'glance', url: config.glanceUrl(l) },
    { type: 'compute', name: 'nova', url: config.novaUrl(l) },
  ];
  const ini = join(l.dir, 'placement-uwsgi.ini');
  await writeFile(ini, config.placementUwsgiConfig(l));
  const nova = (name: string) => startService(journal, host, name, [name, '--config-file', config.novaConf(l), '--log-file', join(l.dir, `${name}.log`)]);
  const started = await Promise.all([
    startService(journal, host, 'placement', ['uwsgi', '--ini', ini], { cwd: l.dir }),
    startService(journal, host, 'glance-api', ['glance-api', '--config-file', config.glanceConf(l)]),
    nova('nova-api'),
    nova('nova-conductor'),
    nova('nova-scheduler'),
    ...computes.map((c) => startService(journal, c, 'nova-compute', [PYTHON, ...NOVA_COMPUTE, '--config-file', config.novaComputeConf(c)])),
  ]);
  await Promise.all(services.map((s) => registerService(l, token, s)));
  const [placement, glance, api] = started;
  await Promise.all([
    waitFor('placement', placement, join(l.dir, 'placement.out'), answers(config.placementUrl(l), 200)),
    waitFor('glance-api', glance, join(l.dir, 'glance-api.log'), answers(`${config.glanceUrl(l)}/versions`, 200)),
    waitFor('nova-api', api, join(l.dir, 'nova-api.log'), answers(config.novaUrl(l), 200)),
  ]);
  step('placement, Glance and nova-api up');
  await Promise.all([
    uploadImage(l, token),
    call('POST', `${config.novaUrl(l)}/flavors`, token, { flavor: { name: LAB_FLAVOR, ram: 64, vcpus: 1, disk: 1 } }),
  ]);
  const wanted = ['api1:nova-conductor', 'api1:nova-scheduler', ...computes.map((c) => `${c.name}:nova-compute`)];
  const novaLogs = `see the nova*.log files in ${l.dir} and the compute hosts' folders`;
  await untilNothingMissing('Nova services are not all up', async () => {
    const up = new Set((await novaServices(l, token)).filter((s) => s.state === 'up').map((s) => `${s.host}:${s.binary}`));
    return wanted.filter((w) => !up.has(w));
  }, novaLogs, 120_000);
  await run(['nova-manage', '--config-file', config.novaConf(l), 'cell_v2', 'discover_hosts'], { netns: host.netns, timeoutMs: 120_000 });
  await untilNothingMissing('placement has no resource provider for every compute host', async () => {
    const providers = new Set(await resourceProviders(l, token));
    return computes.map((c) => c.name).filter((c) => !providers.has(c));
  }, novaLogs, 120_000);
  step(`Nova: ${computes.map((c) => c.name).join(', ')} computing (fake driver), image ${LAB_IMAGE}, flavor ${LAB_FLAVOR}`);
}
