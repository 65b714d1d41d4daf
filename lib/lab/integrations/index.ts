import type { LabPlan } from '../plan';
import { bgpvpnIntegration } from './bgpvpn';
import { openstackIntegration } from './openstack';
import type { LabIntegration } from './types';
import { vmwareIntegration } from './vmware';

/** Every lab integration: one folder and one line here each (and its profile section in profiles.ts). */
const INTEGRATIONS: readonly LabIntegration[] = [openstackIntegration, bgpvpnIntegration, vmwareIntegration];

/** The integrations a profile turns on, in the order they are built. */
export function integrationsOf(plan: Pick<LabPlan, 'profile'>): LabIntegration[] {
  return INTEGRATIONS.filter((i) => plan.profile[i.key] !== undefined);
}
