import { NetvetError } from '../../util/errors';
import type { SdnKind } from '../types';

/** BGP IP VPNs (BaGPipe): a bagpipe-bgp per PE advertising labeled VPN routes through a route reflector, OVS pushing the labels. */
export const bgpvpn: SdnKind = {
  name: 'bgpvpn',
  summary: 'BGP IP VPNs (RFC 4364) as BaGPipe runs them: bagpipe-bgp per PE, a route reflector, MPLS over GRE or VXLAN from OVS',
  // One encapsulation per target: bagpipe-bgp reads it from its configuration at start.
  capabilities: (target) => [`encap:${target.encapsulation.current}`],
  open: async (target, hosts) => new (await import('./sdn')).BgpVpnSdn(target, hosts),
  discover: () =>
    Promise.reject(new NetvetError('netvet target init discovers OVN deployments only', 'write the target file of a BGP VPN by hand: sdn: bgpvpn and a bgpvpn section (see schemas/target.schema.json)')),
};
