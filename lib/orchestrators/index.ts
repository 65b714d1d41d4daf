import type { Target } from '../target/schema';
import type { TargetHosts } from '../target/hosts';
import { NetvetError } from '../util/errors';
import { LabOrchestrator } from './ovn-northbound/driver';
import { neutronCapabilities } from './openstack/capabilities';
import { OpenStackOrchestrator } from './openstack/driver';
import type { Orchestrator } from './types';

export type { Deployment, DeployedWorkload, Orchestrator } from './types';
export { RunJournal } from './journal';

/** Drivers by the target's `orchestrator` value; each lives in its own folder and imports no other. */
const drivers: Record<string, (target: Target, hosts: TargetHosts) => Orchestrator> = {
  lab: (target, hosts) => new LabOrchestrator(target, hosts),
  openstack: (target, hosts) => new OpenStackOrchestrator(target, hosts),
};

/** The drivers netvet has, by name. */
export function orchestratorNames(): string[] {
  return Object.keys(drivers);
}

/** What a driver itself models beyond what the target lists: the lab driver programs policies and service chains into OVN. */
const DRIVER_CAPABILITIES: Record<string, string[]> = { lab: ['policy', 'service-chain'] };

/**
 * What a target offers through a driver: `orchestrator:<driver>` for the one in use, what the
 * driver models, and only what it can drive (through OpenStack, what Neutron models).
 */
export function capabilitiesThrough(target: Target, name: string = target.orchestrator): string[] {
  const own = [`orchestrator:${name}`, ...target.capabilities.filter((c) => !c.startsWith('orchestrator:')), ...(DRIVER_CAPABILITIES[name] ?? [])];
  return name === 'openstack' ? neutronCapabilities({ ...target, capabilities: own }) : own;
}

/** The target's own driver, or `name` (a target may offer more than one: the OpenStack lab is also an OVN lab). */
export function orchestratorFor(target: Target, hosts: TargetHosts, name: string = target.orchestrator): Orchestrator {
  const make = drivers[name];
  if (!make) {
    throw new NetvetError(
      `no driver for orchestrator '${name}' yet`,
      `use a target with one of: ${Object.keys(drivers).join(', ')}`,
    );
  }
  return make(target, hosts);
}
