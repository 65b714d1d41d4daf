import type { LabIntegration } from '../types';
import { buildBgpVpn, describeBgpVpn, requireBgpVpnPackages, routeReflectorHost } from './bgpvpn';

/** BGP IP VPNs on the lab: bagpipe-bgp on every compute chassis, gobgpd reflecting their VPNv4 routes. */
export const bgpvpnIntegration: LabIntegration = {
  key: 'bgpvpn',
  preflight: () => requireBgpVpnPackages(),
  stage: (plan) =>
    `BGP VPN: gobgpd route reflector on ${routeReflectorHost(plan).name}, bagpipe-bgp on ${plan.chassis.filter((c) => c.roles.includes('compute')).map((c) => c.name).join(', ')} (${plan.profile.bgpvpn?.encapsulation ?? 'mplsogre'}), sessions established`,
  build: buildBgpVpn,
  describe: describeBgpVpn,
};
