import type { Deployment, Orchestrator } from '../../orchestrators/types';
import { NetvetError } from '../../util/errors';
import type { OvnNames } from './explain';

// How an orchestrator tells OVN what it named a deployment's objects (lib/sdn/types.ts, SdnBindings).
declare module '../types' {
  interface SdnBindings {
    ovn: OvnNames;
  }
}

/** The orchestrator's names of a deployment's OVN objects; a driver that cannot give them is named with the fix. */
export async function ovnNamesOf(orchestrator: Orchestrator, deployment: Deployment): Promise<OvnNames> {
  const binding = orchestrator.bindings.ovn;
  if (!binding) {
    throw new NetvetError(`the ${orchestrator.name} orchestrator does not say how it names what it builds in OVN`, `give its driver a bindings.ovn (lib/sdn/ovn/binding.ts), or run against a target whose SDN it drives`);
  }
  return binding(deployment);
}
