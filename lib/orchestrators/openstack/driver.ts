import type { Target } from '../../target/schema';
import type { TargetHosts } from '../../target/hosts';
import type { Topology, Workload } from '../../topology';
import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import { RunJournal } from '../journal';
import { placeWorkloads } from '../shared/placement';
import { sweepWorkloads, unplugWorkload } from '../shared/workload';
import type { HorizonFacet } from '../../gui/horizon/facet';
import type { OvnNames } from '../../sdn/ovn/explain';
import type { SecurityGroupRuleSpec } from '../../topology/runtime-rules';
import { resolveRuntimeRule } from '../../topology/runtime-rules';
import { afterOperation, type Operation } from '../operations';
import type { Bindings, DeployedFloatingIp, DeployedRouter, DeployedWorkload, Deployment, Facets, Orchestrator } from '../types';
import type { Built } from './built';
import { purgeProject, undoRecord, undoSchema, type Undo } from './cleanup';
import { describeState } from './diagnose';
import { neutronOvnNames } from './explain';
import { createFloatingIp } from './floating-ips';
import { loadCredentials, type Credentials } from './credentials';
import { Keystone } from './keystone';
import { Neutron, type Network, type SecurityGroup, type Subnet } from './neutron';
import { Nova } from './nova';
import { reattach } from './reattach';
import { createRouter } from './routers';
import { createExactGroup, neutronRule, sameRule } from './security-groups';
import { maskSecrets, Session } from './session';
import { createServer } from './servers';
import { createTenant } from './tenants';

/**
 * OpenStack as the orchestrator: topologies become Keystone projects and Neutron networks, subnets,
 * routers, security groups, ports and floating IPs through the public APIs, as a tenant would make
 * them. Servers are booted through Nova on ports netvet made (`servers: nova`), or are those ports
 * bound (binding:host_id) to the host directly (`servers: port-binding`, a cloud without Nova);
 * either way a workload namespace on the compute host plugs them, its OVS interface carrying the
 * port id (iface-id), as os-vif does on a compute node.
 */
export class OpenStackOrchestrator implements Orchestrator {
  readonly name = 'openstack';
  private readonly credentials: Credentials;
  private readonly admin: Session;
  private readonly neutron: Neutron;
  private readonly keystone: Keystone;
  /** The admin's Nova, across projects (cleanup); undefined where servers are not booted through Nova. */
  private readonly nova?: Nova;
  private readonly built = new Map<string, Built>();
  private externalNetworkId?: Promise<string>;
  readonly facets: Facets & { horizon: HorizonFacet } = {
    floatingIps: {
      associate: (deployment, floatingIp, workload, port = 0) => this.associateFloatingIp(deployment, floatingIp, workload, port),
      disassociate: (deployment, floatingIp) => this.disassociateFloatingIp(deployment, floatingIp),
    },
    securityGroups: {
      addRule: (deployment, group, rule) => this.change(deployment, { op: 'add-security-group-rule', group, rule }, () => this.addSecurityGroupRule(deployment, group, rule)),
      removeRule: (deployment, group, rule) => this.change(deployment, { op: 'remove-security-group-rule', group, rule }, () => this.removeSecurityGroupRule(deployment, group, rule)),
    },
    horizon: {
      login: (deployment, tenant) => this.tenantOf(deployment, tenant).login,
      neutron: (deployment, tenant) => this.tenantOf(deployment, tenant).neutron,
      serverOn: (deployment, name, networkId, options) => this.serverOn(deployment, name, networkId, options),
    },
  };
  readonly bindings: Bindings = {
    ovn: (deployment): Promise<OvnNames> => neutronOvnNames(this.target, this.neutron, deployment),
  };

  constructor(
    private readonly target: Target,
    private readonly hosts: TargetHosts,
  ) {
    if (!target.openstack) {
      throw new NetvetError(
        `target '${target.name}' has no openstack section`,
        "bring up the OpenStack lab ('netvet lab up --name ostack --profile topologies/labs/openstack.yaml') or add openstack: { cloud } to the target file",
      );
    }
    this.credentials = loadCredentials(target.openstack);
    this.admin = new Session({ ...this.credentials, project: { name: this.credentials.projectName, domain: this.credentials.projectDomain } });
    this.neutron = new Neutron(this.admin);
    this.keystone = new Keystone(this.admin);
    if (target.openstack.servers === 'nova') this.nova = new Nova(this.admin);
  }

  private external(): Promise<string> {
    this.externalNetworkId ??= (async () => {
      const wanted = this.target.openstack?.externalNetwork;
      const found = await this.neutron.list<Network>('network', { 'router:external': 'true', ...(wanted ? { name: wanted } : {}) });
      if (found.length !== 1) {
        throw new NetvetError(
          wanted ? `Neutron has no external network '${wanted}'` : `Neutron has ${found.length} external networks; netvet cannot pick one`,
          'set openstack.externalNetwork in the target file to the network for router gateways and floating IPs',
        );
      }
      return found[0].id;
    })();
    return this.externalNetworkId;
  }

  /** A token from Keystone and an answer from Neutron: what every build starts with. */
  async reachable(): Promise<void> {
    await this.admin.projectId();
    await this.external();
  }

  /** The API versions Keystone, Neutron and Nova announce (OpenStack services report no release). */
  async versions(): Promise<Record<string, string>> {
    const [identity, network, compute] = await Promise.all([
      this.admin.request<{ version?: { id?: string } }>('identity', 'GET', ''),
      this.admin.request<{ versions?: Array<{ id?: string; status?: string }> }>('network', 'GET', '/'),
      this.nova ? this.admin.request<{ version?: { id?: string; min_version?: string; version?: string } }>('compute', 'GET', '') : undefined,
    ]);
    const current = network.versions?.find((v) => v.status === 'CURRENT')?.id;
    const nova = compute?.version;
    return {
      ...(identity.version?.id ? { keystone: identity.version.id } : {}),
      ...(current ? { neutron: current } : {}),
      ...(nova?.id ? { nova: `${nova.id}${nova.version ? `, microversions ${nova.min_version}-${nova.version}` : ''}` } : {}),
    };
  }

  async apply(topology: Topology, journal: RunJournal): Promise<Deployment> {
    const prefix = journal.prefix;
    const name = (n: string) => `${prefix}${n}`;
    const routers: Record<string, DeployedRouter> = {};
    const workloads: Record<string, DeployedWorkload> = {};
    const floatingIps: Record<string, DeployedFloatingIp> = {};
    const b: Built = { tenants: new Map(), networks: new Map(), subnets: new Map(), groups: new Map(), ports: new Map(), floatingIps: new Map(), journal };
    this.built.set(prefix, b);

    const domainId = await this.keystone.domainOf(await this.admin.projectId());
    const admin = this.nova ? { userId: await this.admin.userId() } : undefined;
    for (const t of topology.tenants) {
      b.tenants.set(t.name, await createTenant(this.keystone, this.credentials, domainId, name(t.name), `netvet ${topology.name} (${prefix})`, journal, admin));
    }
    const tenant = (t: string) => b.tenants.get(t)!;

    for (const group of topology.securityGroups) {
      const t = tenant(group.tenant);
      journal.record(`security group ${name(group.name)}`, { neutron: 'security_group', projectId: t.projectId, name: name(group.name) } satisfies Undo);
      b.groups.set(group.name, (await createExactGroup(t.neutron, name(group.name), `netvet ${prefix}`)).id);
    }
    for (const group of topology.securityGroups) {
      await Promise.all(group.rules.map((rule) => tenant(group.tenant).neutron.create('security_group_rule', neutronRule(b.groups.get(group.name)!, rule, b.groups))));
    }

    for (const network of topology.networks) {
      const t = tenant(network.tenant);
      journal.record(`network ${name(network.name)}`, { neutron: 'network', projectId: t.projectId, name: name(network.name) } satisfies Undo);
      // Sharing a network is an admin's call.
      const created = network.shared
        ? await this.neutron.create<Network>('network', { name: name(network.name), project_id: t.projectId, shared: true, mtu: this.target.workloads.mtu })
        : await t.neutron.create<Network>('network', { name: name(network.name), mtu: this.target.workloads.mtu });
      b.networks.set(network.name, created.id);
      for (const subnet of network.subnets) {
        journal.record(`subnet ${name(subnet.name)}`, { neutron: 'subnet', projectId: t.projectId, name: name(subnet.name) } satisfies Undo);
        const made = await t.neutron.create<Subnet>('subnet', {
          name: name(subnet.name),
          network_id: created.id,
          ip_version: 4,
          cidr: subnet.cidr,
          gateway_ip: subnet.gateway,
          enable_dhcp: subnet.dhcp,
          ...(subnet.allocationPools.length ? { allocation_pools: subnet.allocationPools } : {}),
          dns_nameservers: subnet.dnsServers,
          host_routes: subnet.hostRoutes,
        });
        b.subnets.set(subnet.name, made.id);
      }
    }

    for (const router of topology.routers) routers[router.name] = { name: router.name, externalAddress: await createRouter(this.neutron, () => this.external(), b, topology, router, name, journal) };
    const placement = placeWorkloads(topology, this.target.hosts, this.target.name);
    await Promise.all(topology.workloads.map(async (w) => (workloads[w.name] = await this.createServer(b, w, placement.get(w.name)!, prefix))));
    await this.neutron.waitForStatus('port', [...b.ports.values()], () => 'ACTIVE');
    for (const fip of topology.floatingIps) floatingIps[fip.name] = await createFloatingIp(this.neutron, () => this.external(), b, topology, fip, name, journal);
    await this.settle();
    return { topology, prefix, workloads, routers, floatingIps };
  }

  /** A compute host that runs workloads, for a server made at run time. */
  private firstCompute(): string {
    const computes = this.hosts.withRole('compute').filter((h) => h.integrationBridge).map((h) => h.name);
    if (!computes.length) throw new NetvetError(`target '${this.target.name}' has no compute host with an integration bridge`, 'add one to the target file (hosts[].integrationBridge)');
    return computes[0];
  }

  /** A topology workload as a server with the planned addresses and MACs. */
  private async createServer(b: Built, workload: Workload, host: string, prefix: string): Promise<DeployedWorkload> {
    const t = b.tenants.get(workload.tenant)!;
    const deployed = await createServer(this.target, this.hosts, this.neutron, {
      name: workload.name,
      projectId: t.projectId,
      host,
      prefix,
      ports: workload.ports.map((p) => ({
        network: p.network,
        iface: p.interface,
        dhcp: p.dhcp,
        fields: {
          network_id: b.networks.get(p.network),
          fixed_ips: [{ subnet_id: b.subnets.get(p.subnet), ip_address: p.address }],
          mac_address: p.mac,
          ...(p.portSecurity
            ? { security_groups: p.securityGroups.map((g) => b.groups.get(g)), allowed_address_pairs: p.allowedAddressPairs.map((a) => ({ ip_address: a })) }
            : { port_security_enabled: false, security_groups: [] }),
        },
      })),
      defaultGateway: workload.ports[0]?.gateway ?? null,
      routes: workload.routes,
      forwarding: workload.forwarding,
    }, b.journal, t.nova);
    deployed.ports.forEach((p, i) => b.ports.set(`${workload.name}:${i}`, p.id));
    return deployed;
  }

  private async serverOn(deployment: Deployment, name: string, networkId: string, options: { tenant?: string; host?: string } = {}): Promise<Deployment> {
    const b = this.builtOf(deployment);
    const tenant = b.tenants.get(options.tenant ?? deployment.topology.tenants[0].name);
    if (!tenant) throw new NetvetError(`deployment ${deployment.prefix} has no tenant '${options.tenant}'`, `use one of: ${[...b.tenants.keys()].join(', ')}`);
    const network = await this.neutron.get<Network>('network', networkId);
    const server = await createServer(this.target, this.hosts, this.neutron, {
      name,
      projectId: tenant.projectId,
      host: options.host ?? this.firstCompute(),
      prefix: deployment.prefix,
      ports: [{ network: network.name, iface: 'eth0', dhcp: false, fields: { network_id: networkId } }],
      defaultGateway: null,
      routes: [],
      forwarding: false,
    }, b.journal, tenant.nova);
    await this.neutron.waitForStatus('port', server.ports.map((p) => p.id), () => 'ACTIVE');
    await this.settle();
    return { ...deployment, workloads: { ...deployment.workloads, [name]: server } };
  }

  private tenantOf(deployment: Deployment, tenant = deployment.topology.tenants[0].name): { neutron: Neutron; login: { username: string; password: string; project: string } } {
    const found = this.builtOf(deployment).tenants.get(tenant);
    if (!found) throw new NetvetError(`deployment ${deployment.prefix} has no tenant '${tenant}'`, `use one of: ${deployment.topology.tenants.map((t) => t.name).join(', ')}`);
    return found;
  }

  /** A run-time change: journaled, made, and the deployment as it is after it returned. */
  private async change(deployment: Deployment, operation: Operation, make: () => Promise<void>): Promise<Deployment> {
    const after = afterOperation(deployment, operation);
    new RunJournal(deployment.prefix).recordOperation(operation);
    await make();
    return after;
  }

  /** Where the SDN under Neutron is OVN and reachable, waits until every chassis has applied what Neutron wrote. */
  private async settle(): Promise<void> {
    if (this.target.ovn) await run(['ovn-nbctl', `--db=${this.target.ovn.northbound}`, '--timeout=30', '--wait=hv', 'sync'], { timeoutMs: 35_000 });
  }

  private associateFloatingIp(deployment: Deployment, floatingIp: string, workload: string, port: number): Promise<Deployment> {
    return this.change(deployment, { op: 'associate-floating-ip', floatingIp, workload, port }, async () => {
    const b = this.builtOf(deployment);
    const t = b.tenants.get(deployment.topology.floatingIps.find((f) => f.name === floatingIp)!.tenant)!;
    const id = b.floatingIps.get(floatingIp)!;
    await t.neutron.update('floatingip', id, { port_id: b.ports.get(`${workload}:${port}`) });
    await this.neutron.waitForStatus('floatingip', [id], () => 'ACTIVE');
    await this.settle();
    });
  }

  private async disassociateFloatingIp(deployment: Deployment, floatingIp: string): Promise<Deployment> {
    const fip = deployment.floatingIps[floatingIp];
    if (!fip || fip.workload === null) return afterOperation(deployment, { op: 'disassociate-floating-ip', floatingIp });
    return this.change(deployment, { op: 'disassociate-floating-ip', floatingIp }, async () => {
    const b = this.builtOf(deployment);
    const t = b.tenants.get(deployment.topology.floatingIps.find((f) => f.name === floatingIp)!.tenant)!;
    const id = b.floatingIps.get(floatingIp)!;
    await t.neutron.update('floatingip', id, { port_id: null });
    await this.neutron.waitForStatus('floatingip', [id], () => 'DOWN');
    await this.settle();
    });
  }

  private async addSecurityGroupRule(deployment: Deployment, groupName: string, spec: SecurityGroupRuleSpec): Promise<void> {
    const b = this.builtOf(deployment);
    const { group, rule } = resolveRuntimeRule(deployment.topology, groupName, spec);
    const wanted = neutronRule(b.groups.get(group.name)!, rule, b.groups);
    const existing = (await this.neutron.get<SecurityGroup>('security_group', b.groups.get(group.name)!)).security_group_rules;
    if (existing.some((r) => sameRule(r, wanted))) throw new NetvetError(`security group '${groupName}' already has the rule ${JSON.stringify(spec)}`, 'add a rule the group does not have');
    await b.tenants.get(group.tenant)!.neutron.create('security_group_rule', wanted);
    await this.settle();
  }

  private async removeSecurityGroupRule(deployment: Deployment, groupName: string, spec: SecurityGroupRuleSpec): Promise<void> {
    const b = this.builtOf(deployment);
    const { group, rule } = resolveRuntimeRule(deployment.topology, groupName, spec);
    const wanted = neutronRule(b.groups.get(group.name)!, rule, b.groups);
    const existing = (await this.neutron.get<SecurityGroup>('security_group', b.groups.get(group.name)!)).security_group_rules;
    const found = existing.find((r) => sameRule(r, wanted));
    if (!found) throw new NetvetError(`security group '${groupName}' has no rule ${JSON.stringify(spec)}`, `it has ${existing.length} rules; list them with 'openstack security group rule list ${b.groups.get(group.name)}'`);
    await b.tenants.get(group.tenant)!.neutron.delete('security_group_rule', found.id);
    await this.settle();
  }

  private builtOf(deployment: Deployment): Built {
    const b = this.built.get(deployment.prefix);
    if (!b) throw new NetvetError(`deployment ${deployment.prefix} was not built by this worker's OpenStack driver`, 'change a deployment from the test that built it');
    return b;
  }

  /** Undoes newest first with the admin's clients; one failure does not stop the rest. */
  async undo(journal: RunJournal): Promise<void> {
    const failures: string[] = [];
    for (const entry of journal.undoEntries(undoSchema)) {
      const { undo } = entry;
      try {
        if ('workload' in undo) {
          await unplugWorkload(this.hosts.shell(undo.workload.host), { ...undo.workload, integrationBridge: this.hosts.get(undo.workload.host).integrationBridge ?? 'br-int' });
        } else {
          await undoRecord(undo, this.neutron, this.keystone, this.nova);
        }
      } catch (error) {
        failures.push(`${entry.what}: ${maskSecrets(error instanceof Error ? error.message : String(error))}`);
      }
    }
    this.built.delete(journal.prefix);
    if (failures.length) throw new NetvetError(`could not remove: ${failures.join('; ')}`, "run 'netvet cleanup' once the cloud answers");
  }

  /** Projects and users named with the prefix (and all they hold), and workload namespaces on the compute hosts. */
  async sweep(prefix: string): Promise<string[]> {
    const removed: string[] = [];
    const hosts = this.target.hosts.filter((h) => h.integrationBridge);
    for (const host of hosts) removed.push(...(await sweepWorkloads(this.hosts.shell(host.name), `${this.target.workloads.namespacePrefix}${prefix}`, prefix, host.integrationBridge!)).map((r) => `${r} on ${host.name}`));
    for (const project of (await this.keystone.projects()).filter((p) => p.name.startsWith(prefix))) {
      removed.push(...(await purgeProject(this.neutron, project.id, this.nova)).map((r) => `${r} (project ${project.name})`));
      for (const user of await this.keystone.users(project.name)) {
        await this.keystone.deleteUser(user.id);
        removed.push(`user ${user.name}`);
      }
      await this.keystone.deleteProject(project.id);
      removed.push(`project ${project.name}`);
    }
    return removed;
  }

  async diagnose(deployment: Deployment): Promise<Array<{ name: string; body: string }>> {
    return describeState(this.neutron, [...(this.built.get(deployment.prefix)?.tenants.values() ?? [])].map((t) => t.projectId));
  }

  reattach(journal: RunJournal): Promise<Deployment> {
    return reattach(this.hosts, this.keystone, this.neutron, journal);
  }

}
