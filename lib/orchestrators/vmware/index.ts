import { NetvetError } from '../../util/errors';
import type { OrchestratorKind } from '../types';
import { vcenterLogin } from './credentials';

/**
 * What binds to VM ports in the SDN beside vCenter and this driver does not drive yet (floating
 * IPs, port forwarding, policies, chains, mirrors), what guests configure statically (no DHCP), and
 * what vCenter cannot choose (the encapsulation). Routers, their gateways and SNAT are the SDN's.
 */
const UNDRIVEN = new Set(['fip', 'nat:port-forwarding', 'dhcp', 'policy', 'service-chain', 'mirror', 'encap:switchable']);

/** vCenter: distributed port groups and VMs, wired into the SDN by its vCenter plugin. */
export const vmware: OrchestratorKind = {
  name: 'vmware',
  summary: 'builds networks as distributed port groups and workloads as VMs through the vSphere API (vim25); the SDN beside vCenter wires them',
  builds: [],
  keeps: (capability, target) => !UNDRIVEN.has(capability) && !capability.startsWith('gui:') && (!capability.startsWith('encap:') || capability === `encap:${target.encapsulation.current}`),
  problem: (target) =>
    !target.vmware
      ? "add vmware: { url, credentials, datacenter, cluster, distributedSwitch, datastore } to the target file, or bring up the vCenter lab ('netvet lab up --name vc --profile topologies/labs/vmware.yaml')"
      : !target.ovn
        ? 'the SDN beside vCenter is OVN: add ovn.northbound to the target file'
        : credentialsProblem(target.vmware),
  open: async (target, hosts) => new (await import('./driver')).VmwareOrchestrator(target, hosts),
};

/** Why the section's credentials cannot log in (a missing or world-readable file, no password), before anything connects. */
function credentialsProblem(section: Parameters<typeof vcenterLogin>[0]): string | undefined {
  try {
    vcenterLogin(section, undefined);
    return undefined;
  } catch (error) {
    if (!(error instanceof NetvetError)) throw error;
    return `${error.message}: ${error.fix ?? ''}`;
  }
}
