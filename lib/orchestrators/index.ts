import type { Target } from '../target/schema';
import type { TargetHosts } from '../target/hosts';
import { NetvetError } from '../util/errors';
import { LabOrchestrator } from './lab/driver';
import { OpenStackOrchestrator } from './openstack/driver';
import type { Orchestrator } from './types';

export type { Deployment, DeployedWorkload, Orchestrator } from './types';
export { RunJournal } from './journal';

/** Drivers by the target's `orchestrator` value; each lives in its own folder and imports no other. */
const drivers: Record<string, (target: Target, hosts: TargetHosts) => Orchestrator> = {
  lab: (target, hosts) => new LabOrchestrator(target, hosts),
  openstack: (target, hosts) => new OpenStackOrchestrator(target, hosts),
};

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
