import { join } from 'node:path';

/** Where and how the lab's OpenStack services listen, and their secrets (random per lab). */
export interface OpenStackLayout {
  /** The api1 host's directory: configs, databases, keys, logs, pid files. */
  dir: string;
  /** api1's management address: Keystone, Neutron and Horizon listen there. */
  address: string;
  /** OVN connection strings of the lab's NB and SB clusters. */
  northbound: string;
  southbound: string;
  physicalNetwork: string;
  underlayMtu: number;
  /** Nova (with placement, Glance and RabbitMQ) runs too: servers are booted through it. */
  nova: boolean;
  passwords: { admin: string; database: string; dashboardKey: string; messaging: string };
}

/** Fixed ports are safe: every service listens inside api1, a namespace that only this lab uses. */
export const PORTS = { mariadb: 3306, keystone: 5000, neutron: 9696, dashboard: 80, amqp: 5672, placement: 8778, glance: 9292, nova: 8774 } as const;

export const keystoneUrl = (l: OpenStackLayout) => `http://${l.address}:${PORTS.keystone}/v3`;
export const neutronUrl = (l: OpenStackLayout) => `http://${l.address}:${PORTS.neutron}`;
export const dashboardUrl = (l: OpenStackLayout) => `http://${l.address}:${PORTS.dashboard}`;
export const mariadbSocket = (l: OpenStackLayout) => join(l.dir, 'mysql.sock');
export const keystoneConf = (l: OpenStackLayout) => join(l.dir, 'keystone.conf');
export const neutronConfs = (l: OpenStackLayout) => [join(l.dir, 'neutron.conf'), join(l.dir, 'ml2_conf.ini')];
export const DASHBOARD_SETTINGS = 'netvet_dashboard';

export const database = (l: OpenStackLayout, name: string) =>
  `mysql+pymysql://${name}:${l.passwords.database}@127.0.0.1:${PORTS.mariadb}/${name}?charset=utf8`;

export const ini = (sections: Record<string, Record<string, string | number | boolean>>) =>
  Object.entries(sections)
    .map(([section, keys]) => [`[${section}]`, ...Object.entries(keys).map(([k, v]) => `${k} = ${v}`)].join('\n'))
    .join('\n\n') + '\n';

/** MariaDB on api1's loopback, small buffers: two databases of a few hundred tables. */
export function mariadbConfig(l: OpenStackLayout): string {
  return ini({
    mysqld: {
      datadir: join(l.dir, 'mysql'),
      socket: mariadbSocket(l),
      'pid-file': join(l.dir, 'mariadbd.pid'),
      'log-error': join(l.dir, 'mariadbd.log'),
      'bind-address': '127.0.0.1',
      port: PORTS.mariadb,
      user: 'root',
      'skip-name-resolve': 'ON',
      innodb_buffer_pool_size: '64M',
      innodb_log_file_size: '16M',
      innodb_flush_log_at_trx_commit: 2,
      max_connections: 500,
      'character-set-server': 'utf8mb4',
      'collation-server': 'utf8mb4_general_ci',
      performance_schema: 'OFF',
    },
  });
}

/**
 * How one service logs in to another (keystonemiddleware, Nova to Neutron...): the lab's admin, as
 * a one-user lab may; a cloud gives each service a user of its own.
 */
export function serviceCredentials(l: OpenStackLayout): Record<string, string> {
  return {
    auth_url: `http://${l.address}:${PORTS.keystone}`,
    auth_type: 'password',
    project_domain_name: 'Default',
    user_domain_name: 'Default',
    project_name: 'admin',
    username: 'admin',
    password: l.passwords.admin,
    region_name: 'RegionOne',
  };
}

export function keystoneConfig(l: OpenStackLayout): string {
  return ini({
    DEFAULT: { log_dir: l.dir, log_file: 'keystone.log' },
    database: { connection: database(l, 'keystone') },
    // bcrypt's minimum: every test project gets a user, and each login hashes its password.
    identity: { password_hash_rounds: 4 },
    token: { provider: 'fernet', expiration: 86400 },
    fernet_tokens: { key_repository: join(l.dir, 'fernet-keys') },
    fernet_receipts: { key_repository: join(l.dir, 'fernet-keys') },
    credential: { key_repository: join(l.dir, 'credential-keys') },
    oslo_policy: { policy_dirs: '/etc/keystone/policy.d' },
  });
}

/** A WSGI app under uwsgi on api1, in the foreground so the recorded PID is the master's. */
export function uwsgiConfig(l: OpenStackLayout, app: { port: number; wsgiFile: string; env: string; processes: number; threads: number }): string {
  return ini({
    uwsgi: {
      plugins: 'python3',
      'http-socket': `${l.address}:${app.port}`,
      'wsgi-file': app.wsgiFile,
      env: app.env,
      master: true,
      processes: app.processes,
      threads: app.threads,
      'die-on-term': true,
      'buffer-size': 65535,
      'add-header': 'Connection: close',
      chdir: l.dir,
    },
  });
}

export const keystoneUwsgiConfig = (l: OpenStackLayout) =>
  uwsgiConfig(l, { port: PORTS.keystone, wsgiFile: '/usr/bin/keystone-wsgi-public', env: `OS_KEYSTONE_CONFIG_FILES=${keystoneConf(l)}`, processes: 2, threads: 1 });

/**
 * Neutron with the OVN mechanism driver on the lab's own NB/SB clusters. No message bus: nothing
 * here listens for RPC (OVN has no agents), so the transport is `fake://` and there are no RPC workers.
 */
export function neutronConfig(l: OpenStackLayout): string {
  return ini({
    DEFAULT: {
      core_plugin: 'ml2',
      service_plugins: 'ovn-router,trunk,port_forwarding',
      auth_strategy: 'keystone',
      bind_host: l.address,
      bind_port: PORTS.neutron,
      api_paste_config: '/etc/neutron/api-paste.ini',
      state_path: join(l.dir, 'neutron-state'),
      log_dir: l.dir,
      log_file: 'neutron-server.log',
      transport_url: 'fake://',
      // With Nova, ports going up or changing are reported to it (network-vif-plugged), as on a cloud.
      notify_nova_on_port_status_changes: l.nova,
      notify_nova_on_port_data_changes: l.nova,
      api_workers: 1,
      rpc_workers: 0,
      rpc_state_report_workers: 0,
      global_physnet_mtu: l.underlayMtu,
      // The command line keeps the lab's directory, which is how `lab down` knows the process is the lab's.
      setproctitle: 'off',
    },
    database: { connection: database(l, 'neutron') },
    keystone_authtoken: { www_authenticate_uri: `http://${l.address}:${PORTS.keystone}`, ...serviceCredentials(l) },
    ...(l.nova ? { nova: serviceCredentials(l) } : {}),
    oslo_concurrency: { lock_path: join(l.dir, 'neutron-lock') },
    oslo_messaging_notifications: { driver: 'noop' },
    oslo_policy: { policy_dirs: '/etc/neutron/policy.d' },
  });
}

export function ml2Config(l: OpenStackLayout): string {
  return ini({
    ml2: {
      type_drivers: 'geneve,vlan,flat',
      tenant_network_types: 'geneve',
      mechanism_drivers: 'ovn',
      extension_drivers: 'port_security',
      overlay_ip_version: 4,
    },
    ml2_type_geneve: { vni_ranges: '1:65536', max_header_size: 38 },
    ml2_type_flat: { flat_networks: l.physicalNetwork },
    ml2_type_vlan: { network_vlan_ranges: `${l.physicalNetwork}:100:200` },
    securitygroup: { enable_security_group: true },
    ovn: {
      ovn_nb_connection: l.northbound,
      ovn_sb_connection: l.southbound,
      ovn_l3_scheduler: 'leastloaded',
      ovn_metadata_enabled: false,
      enable_distributed_floating_ip: false,
      neutron_sync_mode: 'off',
    },
  });
}

/** Horizon's settings module: the packaged settings, pointed at this Keystone. */
export function dashboardSettings(l: OpenStackLayout): string {
  return [
    'from openstack_dashboard.settings import *  # noqa',
    `OPENSTACK_KEYSTONE_URL = "${keystoneUrl(l)}"`,
    "ALLOWED_HOSTS = ['*']",
    'DEBUG = False',
    `SECRET_KEY = "${l.passwords.dashboardKey}"`,
    'OPENSTACK_KEYSTONE_DEFAULT_ROLE = "member"',
    // The project overview page needs Nova, which not every lab runs.
    "HORIZON_CONFIG['user_home'] = '/project/networks/'",
    '',
  ].join('\n');
}

/** A clouds.yaml entry, as OpenStack clients expect it. */
export function cloudsYaml(l: OpenStackLayout, cloud: string): string {
  return [
    'clouds:',
    `  ${cloud}:`,
    '    auth:',
    `      auth_url: ${keystoneUrl(l)}`,
    '      username: admin',
    `      password: ${l.passwords.admin}`,
    '      project_name: admin',
    '      user_domain_name: Default',
    '      project_domain_name: Default',
    '    region_name: RegionOne',
    '    interface: public',
    '    identity_api_version: 3',
    '',
  ].join('\n');
}
