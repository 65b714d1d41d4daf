import { bgpvpnProfile } from './bgpvpn/profile';
import { openstackProfile } from './openstack/profile';
import { vmwareProfile } from './vmware/profile';

/**
 * The lab profile sections that put a real orchestrator (or a second SDN) on the lab, by key: one
 * line per integration folder. Kept apart from the integrations' code so the profile schema loads
 * without it.
 */
export const INTEGRATION_PROFILES = {
  openstack: openstackProfile,
  bgpvpn: bgpvpnProfile,
  vmware: vmwareProfile,
};
