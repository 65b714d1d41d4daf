import type { Target } from '../target/schema';
import type { TargetHosts } from '../target/hosts';
import { NetvetError } from '../util/errors';
import { LabOrchestrator } from './lab/driver';
import type { Orchestrator } from './types';

export type { Deployment, DeployedWorkload, Orchestrator } from './types';
export { RunJournal } from './journal';

/** Drivers by the target's `orchestrator` value; each lives in its own folder and imports no other. */
const drivers: Record<string, (target: Target, hosts: TargetHosts) => Orchestrator> = {
  lab: (target, hosts) => new LabOrchestrator(target, hosts),
};

export function orchestratorFor(target: Target, hosts: TargetHosts): Orchestrator {
  const make = drivers[target.orchestrator];
  if (!make) {
    throw new NetvetError(
      `no driver for orchestrator '${target.orchestrator}' yet`,
      `use a target with one of: ${Object.keys(drivers).join(', ')}`,
    );
  }
  return make(target, hosts);
}
