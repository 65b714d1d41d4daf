import type { Deployment, Orchestrator } from '../../orchestrators/types';
import { NetvetError } from '../../util/errors';
import type { OvnNames } from './explain';

// How an orchestrator tells OVN what it named a deployment's objects (lib/sdn/types.ts, SdnBindings).
declare module '../types' {
  interface SdnBindings {
    ovn: OvnNames;
  }
}

/**
 * Names asked once per deployment: a wrong cell's drift and trace run side by side and both need
 * them (through OpenStack, several Neutron calls). A deployment is frozen and every change makes a
 * new one, so a name found for it stays true; a lookup that failed is asked again next time.
 */
const found = new WeakMap<Deployment, Promise<OvnNames>>();

/** The orchestrator's names of a deployment's OVN objects; a driver that cannot give them is named with the fix. */
export function ovnNamesOf(orchestrator: Orchestrator, deployment: Deployment): Promise<OvnNames> {
  const binding = orchestrator.bindings.ovn;
  if (!binding) {
    return Promise.reject(
      new NetvetError(`the ${orchestrator.name} orchestrator does not say how it names what it builds in OVN`, `give its driver a bindings.ovn (lib/sdn/ovn/binding.ts), or run against a target whose SDN it drives`),
    );
  }
  let names = found.get(deployment);
  if (!names) {
    names = binding(deployment);
    found.set(deployment, names);
    names.catch(() => found.delete(deployment));
  }
  return names;
}
