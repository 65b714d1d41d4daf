import { join } from 'node:path';
import { database, ini, PORTS, serviceCredentials, uwsgiConfig, type OpenStackLayout } from './config';
import type { LabHost } from '../../plan';

/** The message bus user Nova's services share; its password is the lab's own (`passwords.messaging`). */
const AMQP_USER = 'netvet';

export const rabbitmqDir = (l: OpenStackLayout) => join(l.dir, 'rabbitmq');
export const placementConfigDir = (l: OpenStackLayout) => join(l.dir, 'placement');
export const placementConf = (l: OpenStackLayout) => join(placementConfigDir(l), 'placement.conf');
export const glanceConf = (l: OpenStackLayout) => join(l.dir, 'glance-api.conf');
export const novaConf = (l: OpenStackLayout) => join(l.dir, 'nova.conf');
export const novaComputeConf = (host: LabHost) => join(host.dir, 'nova-compute.conf');
export const placementUrl = (l: OpenStackLayout) => `http://${l.address}:${PORTS.placement}`;
export const glanceUrl = (l: OpenStackLayout) => `http://${l.address}:${PORTS.glance}`;
export const novaUrl = (l: OpenStackLayout) => `http://${l.address}:${PORTS.nova}/v2.1`;

/** RabbitMQ on api1's address (the compute hosts reach it over the management network), one user, no plugins. */
export function rabbitmqConfig(l: OpenStackLayout): string {
  return [
    `listeners.tcp.1 = ${l.address}:${PORTS.amqp}`,
    `default_user = ${AMQP_USER}`,
    `default_pass = ${l.passwords.messaging}`,
    'loopback_users = none',
    'log.file = false',
    'log.console = true',
    'disk_free_limit.absolute = 50MB',
    '',
  ].join('\n');
}

/**
 * RabbitMQ's environment: every file in the lab's folder, running as root (Debian's wrapper in
 * /usr/sbin would switch to the rabbitmq user, who cannot write there), and one Erlang scheduler
 * that sleeps when idle instead of spinning, on a machine of few cores.
 */
export function rabbitmqEnvironment(l: OpenStackLayout): NodeJS.ProcessEnv {
  const dir = rabbitmqDir(l);
  return {
    ...process.env,
    HOME: dir,
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_PID_FILE: join(dir, 'beam.pid'),
    RABBITMQ_NODENAME: 'rabbit@localhost',
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '+S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none',
  };
}

const authtoken = (l: OpenStackLayout) => ({ www_authenticate_uri: `http://${l.address}:${PORTS.keystone}`, ...serviceCredentials(l) });

export function placementConfig(l: OpenStackLayout): string {
  return ini({
    DEFAULT: { log_dir: l.dir, log_file: 'placement.log' },
    api: { auth_strategy: 'keystone' },
    keystone_authtoken: authtoken(l),
    placement_database: { connection: database(l, 'placement') },
  });
}

export const placementUwsgiConfig = (l: OpenStackLayout) =>
  uwsgiConfig(l, { port: PORTS.placement, wsgiFile: '/usr/bin/placement-api', env: `OS_PLACEMENT_CONFIG_DIR=${placementConfigDir(l)}`, processes: 1, threads: 4 });

/** Glance with a file store in the lab's folder: the one image servers boot from. */
export function glanceConfig(l: OpenStackLayout): string {
  return ini({
    DEFAULT: { log_dir: l.dir, log_file: 'glance-api.log', bind_host: l.address, bind_port: PORTS.glance, workers: 1, enabled_backends: 'file:file' },
    database: { connection: database(l, 'glance') },
    glance_store: { default_backend: 'file' },
    file: { filesystem_store_datadir: join(l.dir, 'images') },
    keystone_authtoken: authtoken(l),
    paste_deploy: { flavor: 'keystone', config_file: '/etc/glance/glance-api-paste.ini' },
    oslo_concurrency: { lock_path: join(l.dir, 'glance-lock') },
  });
}

/**
 * Nova. The API, conductor and scheduler on api1 hold the databases (API, cell0, cell1); a compute
 * host's file (`compute` set) has none, as on a cloud, its own host name (the OVN chassis' name,
 * so Neutron binds its ports there) and the fake virt driver: no hypervisor, instances are records.
 */
export function novaConfig(l: OpenStackLayout, compute?: LabHost): string {
  const dir = compute?.dir ?? l.dir;
  return ini({
    DEFAULT: {
      host: compute?.name ?? 'api1',
      transport_url: `rabbit://${AMQP_USER}:${l.passwords.messaging}@${l.address}:${PORTS.amqp}/`,
      compute_driver: 'fake.FakeDriver',
      // api1's services name their own log files on the command line.
      log_dir: dir,
      ...(compute ? { log_file: 'nova-compute.log' } : {}),
      state_path: join(dir, 'nova-state'),
      instances_path: join(dir, 'nova-instances'),
      my_ip: compute?.management ?? l.address,
      enabled_apis: 'osapi_compute',
      osapi_compute_listen: l.address,
      osapi_compute_listen_port: PORTS.nova,
      osapi_compute_workers: 1,
    },
    api: { auth_strategy: 'keystone' },
    ...(compute ? {} : { api_database: { connection: database(l, 'nova_api') }, database: { connection: database(l, 'nova') } }),
    keystone_authtoken: authtoken(l),
    placement: serviceCredentials(l),
    neutron: serviceCredentials(l),
    glance: serviceCredentials(l),
    conductor: { workers: 1 },
    scheduler: { workers: 1 },
    oslo_concurrency: { lock_path: join(dir, 'nova-lock') },
    oslo_messaging_notifications: { driver: 'noop' },
    vnc: { enabled: false },
    wsgi: { api_paste_config: '/etc/nova/api-paste.ini' },
  });
}

/** The cell0 database's connection string, for `nova-manage cell_v2 map_cell0`. */
export const cell0Database = (l: OpenStackLayout) => database(l, 'nova_cell0');
