import { z } from 'zod';

/** The `bgpvpn` section of a lab profile. */
export const bgpvpnProfile = z
  .object({
    asn: z.number().int().min(1).max(65535).default(64512).describe('The one AS of the route reflector and every PE (iBGP)'),
    encapsulation: z
      .enum(['mplsogre', 'vxlan'])
      .default('mplsogre')
      .describe('What the PEs advertise and prefer: MPLS over GRE (RFC 4023), or VXLAN with the label as VNI (bagpipe vxlan_encap)'),
  })
  .strict()
  .optional()
  .describe('BGP IP VPNs: every compute chassis a PE running bagpipe-bgp (OVS dataplane driver on its OVS), gobgpd as route reflector on ctl1');
