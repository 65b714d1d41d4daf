import { NetvetError } from '../util/errors';
import { bagpipe } from './bagpipe';
import { openstack } from './openstack';
import { ovnNorthbound } from './ovn-northbound';
import type { OrchestratorKind } from './types';
import { vmware } from './vmware';

/** Every driver netvet has: one folder and one line here each. The target schema's `orchestrator` values come from this list. */
export const ORCHESTRATORS: readonly OrchestratorKind[] = [ovnNorthbound, openstack, bagpipe, vmware];

export const ORCHESTRATOR_NAMES = ORCHESTRATORS.map((k) => k.name) as [string, ...string[]];

export function orchestratorKind(name: string): OrchestratorKind {
  const kind = ORCHESTRATORS.find((k) => k.name === name);
  if (!kind) throw new NetvetError(`netvet has no orchestrator '${name}'`, `use one of: ${ORCHESTRATOR_NAMES.join(', ')}`);
  return kind;
}
