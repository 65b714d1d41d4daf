import type { Deployment, Orchestrator } from '../../orchestrators/types';
import type { TargetHosts } from '../../target/hosts';
import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import type { Attachment, ConfigWrites, EncapsulationSwitch, SdnFaults, Evidence, ExplainedFlow, NetworkSegment, Sdn, SdnHealth, SdnNode, UpgradeStep } from '../types';
import { ChassisEncapsulation } from './encapsulation';
import { Faults } from './faults';
import { RollingRestart } from './rolling-restart';
import { WriteProbe } from './write-probe';
import { ovnNamesOf } from './binding';
import { ovnDrift } from './drift';
import { OvnExplainer } from './explain';
import { checkTargetHealth, describeHealth, waitForHealth, type TargetHealth } from './health';
import { listNorthbound } from './northbound-rows';
import { ovnSegment } from './segment';
import { Southbound } from './southbound';

function summary(health: TargetHealth): SdnHealth {
  return { healthy: health.healthy, problems: health.problems, text: describeHealth(health) };
}

/** OVN as netvet observes it: its databases read with ovn-nbctl/ovn-sbctl, its hosts over SSH. */
export class OvnSdn implements Sdn {
  readonly name = 'ovn';
  constructor(
    private readonly target: Target,
    private readonly hosts: TargetHosts,
  ) {}

  /** The databases, where the target file gives them: a cloud may be run without telling netvet (`what` netvet then cannot do). */
  private databases(what: string): NonNullable<Target['ovn']> {
    if (!this.target.ovn) {
      throw new NetvetError(
        `target '${this.target.name}' gives no OVN databases, so netvet cannot ${what}`,
        'on an OVN deployment (ML2/OVN too), add ovn.northbound and ovn.southbound to the target file; elsewhere, trust the probe and read the reachability matrix',
      );
    }
    return this.target.ovn;
  }

  async health(): Promise<SdnHealth> {
    return summary(await checkTargetHealth(this.hosts));
  }

  /** `ovn-northd --version` on a control host and `ovs-vswitchd --version` on a chassis: their first lines' last words. */
  async versions(): Promise<Record<string, string>> {
    const hostWith = (role: Target['hosts'][number]['roles'][number]) => this.target.hosts.find((h) => h.roles.includes(role))?.name;
    const asked = [
      ['ovn', hostWith('control'), 'ovn-northd'],
      ['openvswitch', hostWith('compute'), 'ovs-vswitchd'],
    ] as const;
    const found = await Promise.all(
      asked.map(async ([component, host, daemon]) => {
        if (!host) return [];
        const answer = await this.hosts.shell(host).exec([daemon, '--version'], { timeoutMs: 5000 });
        const version = answer.code === 0 ? /(\d+\.\d+\.\d+\S*)/.exec(answer.stdout.split('\n')[0])?.[1] : undefined;
        return version ? [[component, version] as const] : [];
      }),
    );
    return Object.fromEntries(found.flat());
  }

  async healthWithin(withinMs: number): Promise<SdnHealth> {
    return summary(await waitForHealth(this.hosts, withinMs));
  }

  encapsulationSwitch(targetFile: string): EncapsulationSwitch {
    return new ChassisEncapsulation(this.target, this.hosts, targetFile);
  }

  rollingUpgrade(log: (line: string) => void): Promise<UpgradeStep[]> {
    return new RollingRestart(this.hosts, log).run();
  }

  faults(log: (line: string) => void): SdnFaults {
    return new Faults(this.hosts, log);
  }

  configWrites(key: string): ConfigWrites {
    return new WriteProbe(this.target, key);
  }

  /** Chassis as the southbound DB registers them, matched to target hosts by tunnel address or hostname. */
  async nodes(): Promise<SdnNode[]> {
    const sb = new Southbound(this.databases('read its chassis').southbound);
    const [chassis, encaps] = await Promise.all([sb.find('Chassis', ['_uuid', 'name', 'hostname', 'encaps']), sb.find('Encap', ['_uuid', 'type', 'ip'])]);
    const encapById = new Map(encaps.map((e) => [String(e._uuid), { kind: String(e.type), address: String(e.ip) }]));
    return chassis.map((c) => {
      const tunnels = String(c.encaps).split(' ').flatMap((id) => encapById.get(id) ?? []);
      const host = this.target.hosts.find((h) => tunnels.some((t) => t.address === h.data?.address)) ?? this.target.hosts.find((h) => h.name === c.hostname);
      return { host: host?.name ?? String(c.hostname), name: String(c.name), tunnels };
    });
  }

  async segment(deployment: Deployment, network: string, orchestrator: Orchestrator): Promise<NetworkSegment> {
    if (!deployment.topology.networks.some((n) => n.name === network)) {
      throw new NetvetError(`the deployment ${deployment.prefix} has no network '${network}'`, `use one of: ${deployment.topology.networks.map((n) => n.name).join(', ')}`);
    }
    const { southbound } = this.databases(`tell the id network '${network}' carries on the wire`);
    const names = await ovnNamesOf(orchestrator, deployment);
    return ovnSegment(southbound, network, names.switchOf(network));
  }

  async explain(deployment: Deployment, flow: ExplainedFlow, orchestrator: Orchestrator): Promise<Evidence> {
    const { northbound } = this.databases(`trace ${flow.from} -> ${flow.to} through the datapath`);
    const names = await ovnNamesOf(orchestrator, deployment);
    return new OvnExplainer(this.target, { list: (table, columns) => listNorthbound(northbound, table, columns) }, names).explain(deployment, flow);
  }

  /** What OVN holds now that differs from what the deployment asked for, likeliest cause first (lib/sdn/ovn/drift.ts). */
  async drift(deployment: Deployment, orchestrator: Orchestrator): Promise<string[]> {
    const { northbound, southbound } = this.databases(`compare ${deployment.prefix} with what OVN holds`);
    const names = await ovnNamesOf(orchestrator, deployment);
    return ovnDrift({ northbound: { list: (table, columns) => listNorthbound(northbound, table, columns) }, southbound, deployment, names });
  }

  async diagnose(deployment: Deployment): Promise<Attachment[]> {
    const ovn = this.databases('show its state');
    const nbctl = ['ovn-nbctl', `--db=${ovn.northbound}`];
    const text = async (name: string, argv: string[]) => {
      const result = await run(argv, { allowFail: true, timeoutMs: 20_000 });
      return { name, body: result.stdout || result.stderr };
    };
    const hosts = [...new Set(Object.values(deployment.workloads).map((w) => w.host))];
    return Promise.all([
      text('ovn-nbctl show', [...nbctl, 'show']),
      text('ovn-sbctl show', ['ovn-sbctl', `--db=${ovn.southbound}`, 'show']),
      text('ACLs', [...nbctl, '--columns=direction,priority,match,action', 'list', 'ACL']),
      text('NAT', [...nbctl, '--columns=type,external_ip,logical_ip', 'list', 'NAT']),
      text('load balancers (port forwardings)', [...nbctl, '--columns=name,protocol,vips', 'list', 'Load_Balancer']),
      text('router policies', [...nbctl, '--columns=priority,match,action,nexthops', 'list', 'Logical_Router_Policy']),
      ...hosts.map(async (host) => {
        const log = await this.hosts.shell(host).exec(['sh', '-c', 'tail -n 100 "${OVN_LOGDIR:-/var/log/ovn}/ovn-controller.log"']);
        return { name: `ovn-controller log on ${host}`, body: log.stdout || log.stderr };
      }),
    ]);
  }
}
