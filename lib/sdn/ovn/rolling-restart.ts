import type { Shell } from '../../access';
import { RemoteDaemon } from './daemons';
import { waitForRejoin } from './cluster';
import type { TargetHosts } from '../../target/hosts';
import { describeHealth, waitForHealth } from './health';
import { chassisHosts, clusterHosts, clusterStatus, CLUSTERS, northdStatuses, ovnOf, rundirExpression, waitForChassisSync, type ClusterName } from './control-plane';
import { NetvetError } from '../../util/errors';
import type { UpgradeStep } from '../types';

/** The schemas the installed OVS and OVN packages ship, where they install them. */
const INSTALLED_SCHEMA = {
  northbound: '/usr/share/ovn/ovn-nb.ovsschema',
  southbound: '/usr/share/ovn/ovn-sb.ovsschema',
  vswitch: '/usr/share/openvswitch/vswitch.ovsschema',
} as const;

/** Where the OVS package installs the script `ovs-ctl restart` saves the OpenFlow tables with. */
const OVS_SAVE = '/usr/share/openvswitch/scripts/ovs-save';

async function must(shell: Shell, argv: string[], what: string): Promise<string> {
  const result = await shell.exec(argv, { timeoutMs: 120_000 });
  if (result.code !== 0) throw new NetvetError(`${what} failed on ${shell.name}: ${(result.stderr || result.stdout).trim().split('\n').pop()}`, `run it by hand there: ${argv.join(' ')}`);
  return result.stdout.trim();
}

/**
 * The lab's upgrade procedure, usable on any target whose daemons netvet reaches over SSH: every
 * chassis, then every southbound and northbound member, then every ovn-northd, restarted one at a
 * time with its own command line (OVN's documented order: ovn-controller first, then the
 * databases, then northd), each database converted to the schema installed on its host with the
 * OVSDB tools. After each step the target must be healthy again before the next one starts.
 */
export class RollingRestart {
  readonly steps: UpgradeStep[] = [];

  constructor(
    private readonly hosts: TargetHosts,
    private readonly log: (line: string) => void,
  ) {}

  private daemon(host: string, name: ConstructorParameters<typeof RemoteDaemon>[1]): RemoteDaemon {
    return new RemoteDaemon(host, name, this.hosts.shell(host));
  }

  private async step(step: string, body: () => Promise<string | void>): Promise<void> {
    const started = Date.now();
    this.log(`upgrade: ${step}`);
    const detail = (await body()) ?? undefined;
    const health = await waitForHealth(this.hosts, 120_000);
    if (!health.healthy) throw new NetvetError(`the target is unhealthy after '${step}'; the upgrade stops here:\n${describeHealth(health)}`, 'repair it, then run the rest of the upgrade by hand');
    this.steps.push({ step, ms: Date.now() - started, detail });
  }

  async run(): Promise<UpgradeStep[]> {
    const ovn = ovnOf(this.hosts.target);
    for (const host of chassisHosts(this.hosts.target)) await this.step(`chassis ${host}`, () => this.chassis(host));
    for (const cluster of ['southbound', 'northbound'] as const) {
      if (!ovn[CLUSTERS[cluster].members].length) continue;
      for (const host of await this.followersFirst(cluster)) await this.step(`${CLUSTERS[cluster].schema} member on ${host}`, () => this.member(cluster, host));
      await this.step(`${CLUSTERS[cluster].schema} converted`, () => this.convertCluster(cluster));
    }
    const northd = await northdStatuses(this.hosts);
    for (const { host } of [...northd.filter((n) => n.status !== 'active'), ...northd.filter((n) => n.status === 'active')]) {
      await this.step(`ovn-northd on ${host}`, () => this.restart(this.daemon(host, 'ovn-northd')));
    }
    return this.steps;
  }

  /** Members in restart order: the leader last, so the cluster changes leader once. */
  private async followersFirst(cluster: ClusterName): Promise<string[]> {
    const leader = (await clusterStatus(this.hosts, cluster)).find((m) => m.role === 'leader')?.host;
    const members = clusterHosts(this.hosts.target, cluster);
    return [...members.filter((h) => h !== leader), ...members.filter((h) => h === leader)];
  }

  private async restart(daemon: RemoteDaemon): Promise<void> {
    const snapshot = await daemon.require();
    await daemon.signal(snapshot.pid, 'TERM');
    await daemon.waitGone(snapshot.pid);
    await daemon.start(snapshot);
  }

  private async member(cluster: ClusterName, host: string): Promise<void> {
    await this.restart(this.daemon(host, CLUSTERS[cluster].daemon));
    const { rejoined, status } = await waitForRejoin(this.hosts, cluster, host, 60_000);
    if (!rejoined && status.role !== 'leader') throw new NetvetError(`${CLUSTERS[cluster].schema} member on ${host} did not rejoin after its restart: ${JSON.stringify(status)}`, `look at its log on ${host}`);
  }

  /** Online conversion of a clustered database, through the leader's local socket (`ovsdb-client convert`). */
  private async convertCluster(cluster: ClusterName): Promise<string> {
    const leader = (await clusterStatus(this.hosts, cluster)).find((m) => m.role === 'leader')?.host;
    if (!leader) throw new NetvetError(`the ${CLUSTERS[cluster].schema} cluster has no leader to convert through`, 'wait for an election, then run the conversion by hand');
    const { daemon, schema } = CLUSTERS[cluster];
    const file = INSTALLED_SCHEMA[cluster];
    const socket = `unix:${rundirExpression(daemon)}/${daemon}.sock`;
    const shell = this.hosts.shell(leader);
    const before = await must(shell, ['sh', '-c', `exec ovsdb-client get-schema-version "${socket}" ${schema}`], 'reading the schema version');
    // Converted even when the versions match, as an upgrade does: the same tool path either way.
    await must(shell, ['sh', '-c', `exec ovsdb-client convert "${socket}" ${file}`], `converting ${schema}`);
    const after = await must(shell, ['sh', '-c', `exec ovsdb-client get-schema-version "${socket}" ${schema}`], 'reading the schema version');
    return `${schema} ${before} -> ${after} (${file}, through ${leader})`;
  }

  /**
   * One chassis as `ovs-ctl restart` and an ovn-controller restart do it: the OpenFlow tables
   * saved (`ovs-save`), ovs-vswitchd and the local ovsdb-server stopped, the Open vSwitch database
   * converted offline (`ovsdb-tool convert`), both started again with flow-restore-wait so the
   * saved tables are back before the switch forwards, then ovn-controller restarted; done when
   * every chassis has installed the current flows again.
   */
  private async chassis(host: string): Promise<string> {
    const shell = this.hosts.shell(host);
    const server = this.daemon(host, 'ovsdb-server');
    const vswitchd = this.daemon(host, 'ovs-vswitchd');
    const controller = this.daemon(host, 'ovn-controller');
    const [serverRun, vswitchdRun] = [await server.require(), await vswitchd.require()];
    const database = serverRun.argv.find((arg, i) => i > 0 && !arg.startsWith('-') && arg.endsWith('.db'));
    if (!database) throw new NetvetError(`cannot tell the database file of ovsdb-server on ${host} from its command line`, 'give ovsdb-server its database file as an argument');
    const restore = await must(shell, ['sh', '-c', `f=$(mktemp /tmp/netvet-flows.XXXXXX) && ${OVS_SAVE} save-flows $(ovs-vsctl list-br) > "$f" && echo "$f"`], 'saving the OpenFlow tables');
    for (const [daemon, run] of [[vswitchd, vswitchdRun], [server, serverRun]] as const) {
      await daemon.signal(run.pid, 'TERM');
      await daemon.waitGone(run.pid);
    }
    let before: string, after: string;
    try {
      before = await must(shell, ['ovsdb-tool', 'db-version', database], 'reading the database version');
      await must(shell, ['ovsdb-tool', 'convert', database, INSTALLED_SCHEMA.vswitch], 'converting the Open vSwitch database');
      after = await must(shell, ['ovsdb-tool', 'db-version', database], 'reading the database version');
    } finally {
      // Back up even when the conversion failed: a chassis is never left without its switch.
      await server.start(serverRun);
      await must(shell, ['ovs-vsctl', '--no-wait', 'set', 'open_vswitch', '.', 'other_config:flow-restore-wait=true'], 'holding the switch until its flows are back');
      await vswitchd.start(vswitchdRun);
      await must(shell, ['sh', '-c', 'sh "$1"; s=$?; rm -f "$1"; exit $s', 'sh', restore], 'restoring the OpenFlow tables');
      await must(shell, ['ovs-vsctl', '--if-exists', 'remove', 'open_vswitch', '.', 'other_config', 'flow-restore-wait'], 'releasing the switch');
    }
    await this.restart(controller);
    const synced = await waitForChassisSync(this.hosts.target, 120);
    if (!synced.ok) throw new NetvetError(`chassis ${host} did not install the current flows after its restart: ${synced.error}`, `look at ovn-controller.log on ${host}`);
    return `Open_vSwitch ${before} -> ${after} (${database}), OpenFlow tables saved and restored`;
  }
}
