import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import type { Target } from '../target/schema';
import { INTEGRATION_BRIDGE, PHYSICAL_NETWORK, UNDERLAY_BRIDGE } from './chassis';
import { connectionString, DATABASES, raftAddress } from './control-plane';
import { integrationsOf } from './integrations';
import type { LabPlan } from './plan';
import { clientKeyPath } from './sshd';

/** The lab described as any deployment is: nothing outside lib/lab needs to know it is a lab. */
export function describeLab(plan: LabPlan, hostKeys: Map<string, string>): Target {
  const { profile } = plan;
  const gateways = plan.chassis.filter((c) => c.roles.includes('gateway')).length;
  const router = plan.underlayRouter?.host;
  const integrations = integrationsOf(plan).map((i) => i.describe(plan));
  return {
    version: 1,
    name: `lab-${plan.name}`,
    sdn: 'ovn',
    orchestrator: 'ovn-northbound',
    access: { ssh: { user: 'root', port: 22, privateKey: clientKeyPath(plan) } },
    hosts: [
      ...plan.controls.map((h) => ({ name: h.name, roles: h.roles, management: h.management, hostKey: hostKeys.get(h.name) })),
      ...plan.chassis.map((h) => ({
        name: h.name,
        roles: h.roles,
        management: h.management,
        hostKey: hostKeys.get(h.name),
        data: { address: h.data, interface: UNDERLAY_BRIDGE, uplinks: h.underlay.uplinks },
        integrationBridge: INTEGRATION_BRIDGE,
      })),
      // The lab's external host has no management link: it is reached on the external network itself.
      { name: plan.externalHost.name, roles: plan.externalHost.roles, management: plan.externalHost.management, hostKey: hostKeys.get(plan.externalHost.name), external: { address: plan.externalHost.management } },
      ...(router ? [{ name: router.name, roles: router.roles, management: router.management, hostKey: hostKeys.get(router.name) }] : []),
    ],
    ovn: {
      northbound: connectionString(plan, DATABASES.northbound),
      southbound: connectionString(plan, DATABASES.southbound),
      northboundCluster: plan.controls.map((h) => ({ host: h.name, address: raftAddress(h, DATABASES.northbound) })),
      southboundCluster: plan.controls.map((h) => ({ host: h.name, address: raftAddress(h, DATABASES.southbound) })),
      northd: plan.controls.slice(0, profile.controlPlane.northd).map((h) => h.name),
    },
    encapsulation: { current: profile.encapsulation, supported: ['geneve', 'vxlan'] },
    externalNetwork: {
      physicalNetwork: PHYSICAL_NETWORK,
      cidr: plan.external.cidr,
      gateway: plan.runner.external,
      runnerAddress: plan.runner.external,
      floatingIpRange: { start: plan.external.floatingIps[0], end: plan.external.floatingIps[1] },
      routerGatewayRange: { start: plan.external.routerGateways[0], end: plan.external.routerGateways[1] },
    },
    workloads: { mtu: profile.mtu.workload, namespacePrefix: `nv-${plan.name}-w-` },
    ...integrations.reduce<Partial<Target>>((sections, i) => ({ ...sections, ...i.section }), {}),
    capabilities: [
      'ssh:hosts',
      'dhcp',
      ...(profile.controlPlane.members >= 3 ? ['ha:nb-cluster', 'ha:sb-cluster'] : []),
      ...(Math.min(profile.controlPlane.northd, profile.controlPlane.members) >= 2 ? ['ha:northd'] : []),
      ...(gateways >= 1 ? ['gateway', 'snat', 'fip', 'nat:port-forwarding'] : []),
      ...(gateways >= 2 ? ['ha:gateway'] : []),
      // Tunnels never use the management network: each chassis has its own uplink for them.
      'underlay:separate',
      ...(router ? ['underlay:routed'] : []),
      ...(plan.chassis.some((c) => c.underlay.uplinks.length > 1) ? ['underlay:bond'] : []),
      ...integrations.flatMap((i) => i.capabilities),
    ],
  };
}

export async function writeTargetFile(file: string, target: Target): Promise<void> {
  const schema = fileURLToPath(new URL('../../schemas/target.schema.json', import.meta.url));
  const header = `# yaml-language-server: $schema=${schema}\n# Written by \`netvet lab up\`; describes the lab as any target is described.\n`;
  await writeFile(file, header + stringify(target));
}
