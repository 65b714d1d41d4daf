import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { Netmask } from 'netmask';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { run } from '../../../lib/util/exec';
import { appendSynced, readJsonLines } from '../../../lib/util/jsonl';
import { identify, stillRunning, type ProcessIdentity } from '../../../lib/util/process-identity';
import { terminate } from '../../../lib/util/processes';

/**
 * An OVN deployment built the way operators build theirs, NOT by netvet's lab (lib/lab is neither
 * imported nor imitated on purpose): one standalone NB and one standalone SB ovsdb-server (no Raft)
 * and one ovn-northd on a control host; two compute chassis and a gateway chassis whose OVN names
 * (system-id) are random UUIDs and whose hostnames are FQDNs; management on eth0, the tunnel uplink
 * eth1 owned by the OVS bridge br-eth1 that holds the tunnel address; a provider network bridged on
 * the gateway (br-provider, `provider` in ovn-bridge-mappings) with a host on it; sshd everywhere with
 * its own key pair; and the runner not on the provider network but routed to it through a router.
 *
 * Everything lives in namespaces named `fo<id>-*`, a /16 of 10.250-254.0.0 fenced by an `unreachable`
 * route, and a temp folder /tmp/netvet-foreign-*; each thing is recorded in the folder's state file
 * before it is made, so `foreignOvnDown(dir)` (or `sweepForeignOvns()` after a killed test) removes it.
 * It writes no target file: an operator writes that (foreign-ovn.target.yaml, `operatorTarget`).
 */

export interface ForeignHost {
  /** The name the operator's inventory uses (hv-a); the host's own hostname is `fqdn`. */
  name: string;
  fqdn: string;
  netns: string;
  /** The host's root: Debian's layout (etc/openvswitch, var/run/ovn, var/log/ovn, ...) below it. */
  root: string;
  management: string;
}

export interface ForeignChassis extends ForeignHost {
  /** OVN's name of the chassis: external_ids:system-id, a random UUID as ovs-ctl makes on first start. */
  systemId: string;
  tunnel: string;
  gateway: boolean;
}

export interface ForeignOvn {
  id: string;
  dir: string;
  range: string;
  /** The operator's SSH key (root on every host). */
  privateKey: string;
  control: ForeignHost;
  chassis: ForeignChassis[];
  /** A host on the provider network (reached through the router, like a workload's floating IP). */
  external: ForeignHost;
  /** The provider network's router; the runner reaches the provider network through it. */
  router: ForeignHost & { provider: string };
  northbound: string;
  southbound: string;
  provider: { physnet: string; cidr: string; gateway: string; routerGateways: [string, string]; floatingIps: [string, string] };
  runner: { management: string; transit: string };
  /** Root-namespace links (management segment, transit to the router). */
  rootLinks: string[];
}

type StateEntry =
  | { kind: 'owner'; pid: number; started: number }
  | { kind: 'route'; destination: string }
  | { kind: 'netns'; name: string }
  | { kind: 'link'; name: string }
  | { kind: 'daemon'; pidfile: string }
  | { kind: 'deployment'; deployment: ForeignOvn };

const DIR_PREFIX = 'netvet-foreign-';
const stateFile = (dir: string) => join(dir, 'state.jsonl');
const record = (dir: string, entry: StateEntry) => appendSynced(stateFile(dir), entry);

export type Progress = (line: string) => void;

/** Runs `ip` lines in one namespace (or the root one) through one `ip -batch`. */
async function ipBatch(netns: string | undefined, lines: string[]): Promise<void> {
  await run(['ip', ...(netns ? ['-n', netns] : []), '-batch', '-'], { input: lines.join('\n') + '\n' });
}

/** Polls `check` until it returns true; fails with what `missing` says once `timeoutMs` passed. */
async function until(what: string, check: () => Promise<boolean>, missing: () => Promise<string> | string, timeoutMs: number, pollMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs / 1000} s: ${await missing()}`);
    await sleep(pollMs);
  }
}

function sshAnswers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: address, port: 22, timeout: 1000 });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (chunk) => finish(chunk.toString().startsWith('SSH-')));
    socket.once('timeout', () => finish(false));
    socket.once('error', () => finish(false));
  });
}

/** A /16 in 10.250.0.0-10.254.0.0 that nothing routes; adding its `unreachable` fence is the claim. */
async function claimRange(dir: string): Promise<string> {
  const routes = (JSON.parse((await run(['ip', '-j', 'route', 'show', 'table', 'all'])).stdout) as Array<{ dst: string }>)
    .map((r) => r.dst)
    .filter((dst) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(dst))
    .map((dst) => new Netmask(dst));
  for (let second = 250; second <= 254; second++) {
    const range = `10.${second}.0.0/16`;
    const block = new Netmask(range);
    // Taken when anything routed overlaps it (a default route is 'default', not 0.0.0.0/0, in ip -j).
    if (routes.some((r) => r.contains(block.base) || block.contains(r.base))) continue;
    record(dir, { kind: 'route', destination: range });
    // EEXIST when another run claimed it in the meantime: try the next.
    if ((await run(['ip', 'route', 'add', 'unreachable', range], { allowFail: true })).code === 0) return range;
  }
  throw new Error('no free /16 in 10.250.0.0-10.254.0.0 (ip route shows them all taken)');
}

/** Debian's directories, below the host's root, and the environment that points the tools at them. */
const debianDirs = ['etc/openvswitch', 'var/run/openvswitch', 'var/log/openvswitch', 'var/lib/openvswitch', 'etc/ovn', 'var/run/ovn', 'var/log/ovn', 'var/lib/ovn', 'root'];
function toolEnv(host: ForeignHost): Record<string, string> {
  return {
    OVS_RUNDIR: join(host.root, 'var/run/openvswitch'),
    OVS_LOGDIR: join(host.root, 'var/log/openvswitch'),
    OVS_DBDIR: join(host.root, 'etc/openvswitch'),
    OVS_SYSCONFDIR: join(host.root, 'etc'),
    OVN_RUNDIR: join(host.root, 'var/run/ovn'),
    OVN_LOGDIR: join(host.root, 'var/log/ovn'),
    OVN_DBDIR: join(host.root, 'var/lib/ovn'),
    OVN_SYSCONFDIR: join(host.root, 'etc'),
  };
}
const inHost = (host: ForeignHost, argv: string[], timeoutMs = 20_000) => run(argv, { netns: host.netns, env: { ...process.env, ...toolEnv(host) }, timeoutMs });

/** Starts an OVS/OVN daemon in the host's namespace; its pid file is recorded first. */
async function daemon(dir: string, host: ForeignHost, program: string, pidfile: string, logfile: string, args: string[]): Promise<void> {
  record(dir, { kind: 'daemon', pidfile });
  await inHost(host, [program, '--detach', '--no-chdir', `--pidfile=${pidfile}`, `--log-file=${logfile}`, ...args], 60_000);
}

function plan(id: string, dir: string, range: string): ForeignOvn {
  const [a, b] = range.split('.');
  const ip = (third: number, fourth: number) => `${a}.${b}.${third}.${fourth}`;
  const host = (name: string, short: string, management: string): ForeignHost => ({
    name,
    fqdn: `${name}.pod1.example.net`,
    netns: `fo${id}-${short}`,
    root: join(dir, name),
    management,
  });
  const chassis = (name: string, short: string, last: number, gateway: boolean): ForeignChassis => ({
    ...host(name, short, ip(0, last)),
    systemId: randomUUID(),
    tunnel: ip(1, last),
    gateway,
  });
  const control = host('ctrl-01', 'ctrl', ip(0, 10));
  return {
    id,
    dir,
    range,
    privateKey: join(dir, 'operator', 'id_ed25519'),
    control,
    chassis: [chassis('hv-a', 'hva', 21, false), chassis('hv-b', 'hvb', 22, false), chassis('edge-1', 'edge', 31, true)],
    external: host('prov-host', 'ext', ip(100, 10)),
    router: { ...host('prov-rtr', 'rtr', ip(254, 2)), provider: ip(100, 1) },
    northbound: `tcp:${control.management}:6641`,
    southbound: `tcp:${control.management}:6642`,
    provider: { physnet: 'provider', cidr: ip(100, 0) + '/24', gateway: ip(100, 1), routerGateways: [ip(100, 20), ip(100, 49)], floatingIps: [ip(100, 50), ip(100, 99)] },
    runner: { management: ip(0, 1), transit: ip(254, 1) },
    rootLinks: [`fo${id}-mg`, `fo${id}-rt`],
  };
}

const allHosts = (d: ForeignOvn): ForeignHost[] => [d.control, ...d.chassis, d.external, d.router];
const fabricNetns = (d: ForeignOvn) => `fo${d.id}-fab`;

/** Namespaces, the fabric's three segments (management, tunnel, provider), the router and the runner's two links. */
async function buildNetwork(d: ForeignOvn): Promise<void> {
  const present = (await run(['ip', 'netns', 'list'])).stdout;
  const links = (await run(['ip', '-o', 'link', 'show'])).stdout;
  for (const ns of [fabricNetns(d), ...allHosts(d).map((h) => h.netns)]) if (present.includes(ns)) throw new Error(`namespace ${ns} exists already`);
  for (const link of d.rootLinks) if (links.includes(` ${link}:`) || links.includes(` ${link}@`)) throw new Error(`link ${link} exists already`);

  for (const ns of [fabricNetns(d), ...allHosts(d).map((h) => h.netns)]) {
    record(d.dir, { kind: 'netns', name: ns });
    await run(['ip', 'netns', 'add', ns]);
    await run(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1'], { netns: ns });
    await ipBatch(ns, ['link set lo up']);
  }
  const fab = fabricNetns(d);
  await ipBatch(fab, ['mgmt', 'tun', 'prov'].flatMap((br) => [`link add ${br} type bridge`, `link set ${br} up`]));
  // A NIC of a host, wired to a fabric segment (the fabric end is named after the host's short name).
  const nic = async (host: ForeignHost, iface: string, segment: string) => {
    const peer = `${host.netns.split('-').pop()}-${iface}`;
    await run(['ip', 'link', 'add', iface, 'netns', host.netns, 'type', 'veth', 'peer', 'name', peer, 'netns', fab]);
    await ipBatch(fab, [`link set ${peer} master ${segment} up`]);
  };
  await nic(d.control, 'eth0', 'mgmt');
  await ipBatch(d.control.netns, [`addr add ${d.control.management}/24 dev eth0`, 'link set eth0 up']);
  for (const ch of d.chassis) {
    await nic(ch, 'eth0', 'mgmt');
    await nic(ch, 'eth1', 'tun');
    if (ch.gateway) await nic(ch, 'eth2', 'prov');
    await ipBatch(ch.netns, [`addr add ${ch.management}/24 dev eth0`, 'link set eth0 up', 'link set eth1 up', ...(ch.gateway ? ['link set eth2 up'] : [])]);
  }
  // The provider network's host and its router; the router's other leg is the runner's transit link.
  await nic(d.external, 'eth0', 'prov');
  await ipBatch(d.external.netns, [`addr add ${d.external.management}/24 dev eth0`, 'link set eth0 up', `route add default via ${d.provider.gateway}`]);
  await nic(d.router, 'eth0', 'prov');
  await ipBatch(d.router.netns, [`addr add ${d.router.provider}/24 dev eth0`, 'link set eth0 up']);
  await run(['sysctl', '-qw', 'net.ipv4.ip_forward=1'], { netns: d.router.netns });
  // The userspace datapath does not complete checksums a veth left to offload.
  for (const h of [d.external, d.router]) await run(['ethtool', '-K', 'eth0', 'tx', 'off'], { netns: h.netns });

  const [mgmtLink, transitLink] = d.rootLinks;
  record(d.dir, { kind: 'link', name: mgmtLink });
  await run(['ip', 'link', 'add', mgmtLink, 'type', 'veth', 'peer', 'name', 'runner-mg', 'netns', fab]);
  await ipBatch(fab, ['link set runner-mg master mgmt up']);
  record(d.dir, { kind: 'link', name: transitLink });
  await run(['ip', 'link', 'add', transitLink, 'type', 'veth', 'peer', 'name', 'eth1', 'netns', d.router.netns]);
  await ipBatch(d.router.netns, [`addr add ${d.router.management}/24 dev eth1`, 'link set eth1 up']);
  await run(['ethtool', '-K', 'eth1', 'tx', 'off'], { netns: d.router.netns });
  for (const link of d.rootLinks) {
    await run(['ethtool', '-K', link, 'tx', 'off']);
    // The root namespace never forwards for these links: nothing of the deployment leaves the machine.
    await run(['sysctl', '-qw', `net.ipv4.conf.${link}.forwarding=0`]);
  }
  await ipBatch(undefined, [
    `addr add ${d.runner.management}/24 dev ${mgmtLink}`,
    `link set ${mgmtLink} up`,
    `addr add ${d.runner.transit}/24 dev ${transitLink}`,
    `link set ${transitLink} up`,
    `route add ${d.provider.cidr} via ${d.router.management} dev ${transitLink}`,
  ]);
}

/** Debian's layout below each host's root; the operator's key pair and every host's own host key. */
async function prepareHosts(d: ForeignOvn): Promise<void> {
  await Promise.all(allHosts(d).flatMap((h) => debianDirs.map((sub) => mkdir(join(h.root, sub), { recursive: true }))));
  await mkdir(join(d.dir, 'operator'), { recursive: true, mode: 0o700 });
  await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'ops@pod1', '-f', d.privateKey]);
  const pub = await readFile(d.privateKey + '.pub');
  await Promise.all(
    allHosts(d).map(async (h) => {
      await mkdir(join(h.root, 'etc/ssh'), { recursive: true });
      await mkdir(join(h.root, 'root/.ssh'), { recursive: true, mode: 0o700 });
      await writeFile(join(h.root, 'root/.ssh/authorized_keys'), pub, { mode: 0o600 });
      await run(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `root@${h.fqdn}`, '-f', join(h.root, 'etc/ssh/ssh_host_ed25519_key')]);
    }),
  );
}

/** Standalone NB and SB ovsdb-servers (ovn-ctl's file names, TCP remotes on management) and ovn-northd on unix sockets. */
async function buildControl(d: ForeignOvn): Promise<void> {
  const c = d.control;
  const run_ = (f: string) => join(c.root, 'var/run/ovn', f);
  const log = (f: string) => join(c.root, 'var/log/ovn', f);
  for (const [db, schema, port] of [['ovnnb_db', 'ovn-nb', 6641], ['ovnsb_db', 'ovn-sb', 6642]] as const) {
    const file = join(c.root, 'var/lib/ovn', `${db}.db`);
    await run(['ovsdb-tool', 'create', file, `/usr/share/ovn/${schema}.ovsschema`]);
    // The port is free by construction (a namespace of our own); still, say so if it is not.
    const listening = await run(['ss', '-Hltn', `sport = :${port}`], { netns: c.netns });
    if (listening.stdout.trim()) throw new Error(`port ${port} is taken in ${c.netns}: ${listening.stdout}`);
    await daemon(d.dir, c, 'ovsdb-server', run_(`${db}.pid`), log(`${db}.log`), [
      `--unixctl=${run_(`${db}.ctl`)}`,
      `--remote=punix:${run_(`${db}.sock`)}`,
      `--remote=ptcp:${port}:${c.management}`,
      file,
    ]);
  }
  await inHost(c, ['ovn-nbctl', `--db=unix:${run_('ovnnb_db.sock')}`, '--no-wait', 'init']);
  await daemon(d.dir, c, 'ovn-northd', run_('ovn-northd.pid'), log('ovn-northd.log'), [
    `--unixctl=${run_('ovn-northd.ctl')}`,
    `--ovnnb-db=unix:${run_('ovnnb_db.sock')}`,
    `--ovnsb-db=unix:${run_('ovnsb_db.sock')}`,
  ]);
}

/** One chassis: ovsdb-server and ovs-vswitchd (userspace datapath), br-eth1 with the tunnel address, br-int, br-provider on the gateway, ovn-controller. */
async function buildChassis(d: ForeignOvn, ch: ForeignChassis): Promise<void> {
  const ovs = (f: string) => join(ch.root, 'var/run/openvswitch', f);
  const conf = join(ch.root, 'etc/openvswitch/conf.db');
  await run(['ovsdb-tool', 'create', conf, '/usr/share/openvswitch/vswitch.ovsschema']);
  // ovs-ctl keeps the system-id it made on first start here.
  await writeFile(join(ch.root, 'etc/openvswitch/system-id.conf'), ch.systemId + '\n');
  await daemon(d.dir, ch, 'ovsdb-server', ovs('ovsdb-server.pid'), join(ch.root, 'var/log/openvswitch/ovsdb-server.log'), [
    `--remote=punix:${ovs('db.sock')}`,
    '--remote=db:Open_vSwitch,Open_vSwitch,manager_options',
    conf,
  ]);
  const db = `--db=unix:${ovs('db.sock')}`;
  await inHost(ch, ['ovs-vsctl', db, '--no-wait', 'init']);
  await daemon(d.dir, ch, 'ovs-vswitchd', ovs('ovs-vswitchd.pid'), join(ch.root, 'var/log/openvswitch/ovs-vswitchd.log'), [`unix:${ovs('db.sock')}`]);
  const netdev = (br: string) => ['--', 'add-br', br, '--', 'set', 'bridge', br, 'datapath_type=netdev'];
  const ids: Record<string, string> = {
    'system-id': ch.systemId,
    hostname: ch.fqdn,
    'ovn-remote': d.southbound,
    'ovn-encap-type': 'geneve',
    'ovn-encap-ip': ch.tunnel,
    'ovn-bridge-datapath-type': 'netdev',
    ...(ch.gateway ? { 'ovn-bridge-mappings': `${d.provider.physnet}:br-provider`, 'ovn-cms-options': 'enable-chassis-as-gw' } : {}),
  };
  await inHost(ch, [
    'ovs-vsctl', db,
    ...netdev('br-eth1'), '--', 'add-port', 'br-eth1', 'eth1',
    ...netdev('br-int'), '--', 'set', 'bridge', 'br-int', 'fail-mode=secure',
    ...(ch.gateway ? [...netdev('br-provider'), '--', 'add-port', 'br-provider', 'eth2'] : []),
    '--', 'set', 'open_vswitch', '.', ...Object.entries(ids).map(([k, v]) => `external_ids:${k}="${v}"`),
  ]);
  await ipBatch(ch.netns, [`addr add ${ch.tunnel}/24 dev br-eth1`, 'link set br-eth1 up', ...(ch.gateway ? ['link set br-provider up'] : [])]);
  await daemon(d.dir, ch, 'ovn-controller', join(ch.root, 'var/run/ovn/ovn-controller.pid'), join(ch.root, 'var/log/ovn/ovn-controller.log'), [`unix:${ovs('db.sock')}`]);
}

/** A real sshd in the host's namespace with its own config, host key, hostname (UTS) and the Debian tool paths. */
async function startSshd(d: ForeignOvn, h: ForeignHost): Promise<void> {
  const config = join(h.root, 'etc/ssh/sshd_config');
  const pidfile = join(h.root, 'var/run/sshd.pid');
  const env = Object.entries({ ...toolEnv(h), HOME: join(h.root, 'root'), SHLVL: '1' }).map(([k, v]) => `${k}=${v}`);
  const address = h === d.router ? d.router.provider : h.management;
  await writeFile(
    config,
    [
      `ListenAddress ${address}:22`,
      `HostKey ${join(h.root, 'etc/ssh/ssh_host_ed25519_key')}`,
      `PidFile ${pidfile}`,
      `AuthorizedKeysFile ${join(h.root, 'root/.ssh/authorized_keys')}`,
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'UseDNS no',
      'PrintMotd no',
      'MaxSessions 64',
      'MaxStartups 100:30:200',
      'LogLevel ERROR',
      `SetEnv ${env.join(' ')}`,
      '',
    ].join('\n'),
  );
  await mkdir('/run/sshd', { recursive: true });
  record(d.dir, { kind: 'daemon', pidfile });
  // nsenter (not `ip netns exec`, which makes a private mount namespace): namespaces a session makes stay visible.
  await run(['nsenter', `--net=/run/netns/${h.netns}`, 'unshare', '--uts', '--', 'sh', '-c', 'hostname "$1"; shift; exec "$@"', 'sh', h.fqdn, '/usr/sbin/sshd', '-f', config, '-E', join(h.root, 'var/log/sshd.log')]);
}

async function southboundChassis(d: ForeignOvn): Promise<string[]> {
  const out = await run(['ovn-sbctl', `--db=${d.southbound}`, '--timeout=5', '--bare', '--columns=name', 'list', 'Chassis'], { allowFail: true, timeoutMs: 8000 });
  return out.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** Builds the deployment; on failure removes what was built and rethrows. */
export async function foreignOvnUp(progress: Progress = () => undefined): Promise<ForeignOvn> {
  const dir = await mkdtemp(join(tmpdir(), DIR_PREFIX));
  record(dir, { kind: 'owner', ...identify(process.pid) });
  try {
    const id = randomBytes(2).toString('hex');
    const range = await claimRange(dir);
    const d = plan(id, dir, range);
    record(dir, { kind: 'deployment', deployment: d });
    const step = async (title: string, body: () => Promise<void>) => {
      const start = Date.now();
      await body();
      progress(`foreign OVN: ${title} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
    };
    await step(`network in ${range}`, () => buildNetwork(d));
    await step('keys and host folders', () => prepareHosts(d));
    await step('standalone NB, SB and ovn-northd', () => buildControl(d));
    await step('chassis', async () => {
      await Promise.all(d.chassis.map((ch) => buildChassis(d, ch)));
    });
    await step('sshd', async () => {
      for (const h of allHosts(d)) await startSshd(d, h);
      const addresses = allHosts(d).map((h) => (h === d.router ? d.router.provider : h.management));
      await until('sshd on every host', async () => (await Promise.all(addresses.map(sshAnswers))).every(Boolean), async () => {
        const answers = await Promise.all(addresses.map(sshAnswers));
        return `no answer from ${addresses.filter((_, i) => !answers[i]).join(', ')}`;
      }, 60_000);
    });
    await step('chassis registered, northd active', async () => {
      const want = d.chassis.map((c) => c.systemId);
      await until('every chassis in the southbound DB', async () => {
        const names = await southboundChassis(d);
        return want.every((w) => names.includes(w));
      }, async () => `registered: ${(await southboundChassis(d)).join(', ') || 'none'}`, 120_000, 250);
      const status = () => inHost(d.control, ['ovn-appctl', '-t', join(d.control.root, 'var/run/ovn/ovn-northd.ctl'), 'status']).then((r) => r.stdout.trim(), (e: Error) => e.message);
      await until('ovn-northd active', async () => (await status()).includes('active'), status, 60_000, 250);
    });
    return d;
  } catch (error) {
    await foreignOvnDown(dir);
    throw error;
  }
}

function readPid(pidfile: string): number | undefined {
  if (!existsSync(pidfile)) return undefined;
  const pid = Number.parseInt(readFileSync(pidfile, 'utf8').trim(), 10);
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}


async function pidsIn(netns: string): Promise<number[]> {
  const { stdout } = await run(['ip', 'netns', 'pids', netns], { allowFail: true });
  return stdout.split(/\s+/).filter(Boolean).map(Number).filter((pid) => pid !== process.pid);
}

/**
 * Namespaces others made on this deployment (netvet's workloads, plugged by veth into a chassis):
 * those whose peer ids name one of our namespaces. Only those are ours to remove.
 */
async function attachedNamespaces(ours: string[]): Promise<string[]> {
  const all = (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]).filter(Boolean);
  const found: string[] = [];
  for (const ns of all.filter((n) => !ours.includes(n))) {
    const ids = await run(['ip', '-n', ns, 'netns', 'list-id'], { allowFail: true });
    if (ours.some((o) => ids.stdout.includes(`iproute2 netns name: ${o})`) || ids.stdout.includes(`iproute2 netns name: ${o}\n`))) found.push(ns);
  }
  return found;
}

/** Removes everything the state file in `dir` lists, in reverse order. Safe to repeat. */
export async function foreignOvnDown(dir: string): Promise<void> {
  const entries = readJsonLines<StateEntry>(stateFile(dir)).reverse();
  const pids = entries.flatMap((e) => (e.kind === 'daemon' ? [readPid(e.pidfile)] : [])).filter((pid): pid is number => pid !== undefined && cmdline(pid).includes(dir));
  await terminate(pids);
  const ours = entries.flatMap((e) => (e.kind === 'netns' ? [e.name] : []));
  const present = (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);
  const existing = ours.filter((ns) => present.includes(ns));
  const attached = existing.length ? await attachedNamespaces(existing) : [];
  const namespaces = [...attached, ...existing];
  // Everything still running in them (SSH sessions, workloads' daemons) was started in them: ours.
  await terminate((await Promise.all(namespaces.map(pidsIn))).flat(), 500);
  for (const ns of namespaces) await run(['ip', 'netns', 'del', ns], { allowFail: true });
  for (const ns of attached) await rm(join('/run/netvet/workloads', ns), { recursive: true, force: true });
  for (const e of entries) {
    if (e.kind === 'link') await run(['ip', 'link', 'del', e.name], { allowFail: true });
  }
  for (const e of entries) {
    if (e.kind === 'route') await run(['ip', 'route', 'del', 'unreachable', e.destination], { allowFail: true });
  }
  await rm(dir, { recursive: true, force: true });
}

/** Tears down deployments whose owner (the test process that built them) is gone: a killed test's. */
export async function sweepForeignOvns(): Promise<string[]> {
  const swept: string[] = [];
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith(DIR_PREFIX))) {
    const dir = join(tmpdir(), name);
    const owner = readJsonLines<StateEntry>(stateFile(dir)).find((e): e is ProcessIdentity & { kind: 'owner' } => e.kind === 'owner');
    if (owner && stillRunning(owner)) continue;
    // A folder another process made a moment ago may not name its owner yet.
    if (!owner && Date.now() - statSync(dir).mtimeMs < 60_000) continue;
    await foreignOvnDown(dir);
    swept.push(dir);
  }
  return swept;
}

/** What of a deployment is still on the machine: namespaces, links, routes, processes, its folder. */
export async function foreignLeftovers(d: ForeignOvn): Promise<string[]> {
  const found: string[] = [];
  const netns = (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);
  found.push(...netns.filter((ns) => ns.startsWith(`fo${d.id}-`)).map((ns) => `netns ${ns}`));
  const links = (await run(['ip', '-o', 'link', 'show'])).stdout.split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '');
  found.push(...links.filter((l) => d.rootLinks.includes(l)).map((l) => `link ${l}`));
  const prefix = d.range.split('.').slice(0, 2).join('.') + '.';
  const routes = (await run(['ip', 'route', 'show', 'table', 'all'])).stdout.split('\n');
  found.push(...routes.filter((r) => r.includes(prefix)).map((r) => `route ${r}`));
  const ps = (await run(['ps', '-eo', 'pid=,args='])).stdout.split('\n');
  found.push(...ps.filter((p) => p.includes(`${d.dir}/`)).map((p) => `process ${p.trim()}`));
  if (existsSync(d.dir)) found.push(`folder ${d.dir}`);
  return found;
}

/**
 * The operator's target file: foreign-ovn.target.yaml as an operator would write it from their
 * inventory (host names as they know them, management addresses, the key, the OVSDB endpoints, the
 * provider network), with the deployment's addresses filled in.
 */
export async function operatorTarget(d: ForeignOvn): Promise<string> {
  const template = await readFile(new URL('./foreign-ovn.target.yaml', import.meta.url), 'utf8');
  const byName = new Map(d.chassis.map((c) => [c.name, c]));
  const values: Record<string, string> = {
    KEY: d.privateKey,
    CTRL_MGMT: d.control.management,
    HV_A_MGMT: byName.get('hv-a')!.management,
    HV_A_TUNNEL: byName.get('hv-a')!.tunnel,
    HV_B_MGMT: byName.get('hv-b')!.management,
    HV_B_TUNNEL: byName.get('hv-b')!.tunnel,
    EDGE_MGMT: byName.get('edge-1')!.management,
    EDGE_TUNNEL: byName.get('edge-1')!.tunnel,
    PROVIDER_HOST: d.external.management,
    NORTHBOUND: d.northbound,
    SOUTHBOUND: d.southbound,
    PHYSNET: d.provider.physnet,
    PROVIDER_CIDR: d.provider.cidr,
    PROVIDER_GATEWAY: d.provider.gateway,
    FIP_START: d.provider.floatingIps[0],
    FIP_END: d.provider.floatingIps[1],
    ROUTER_GW_START: d.provider.routerGateways[0],
    ROUTER_GW_END: d.provider.routerGateways[1],
  };
  return template.replace(/\$\{([A-Z_]+)\}/g, (_, key: string) => {
    if (!(key in values)) throw new Error(`foreign-ovn.target.yaml: no value for \${${key}}`);
    return values[key];
  });
}
