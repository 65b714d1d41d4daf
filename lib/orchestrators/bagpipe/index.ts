import type { OrchestratorKind } from '../types';

/** What a BGP IP VPN built through bagpipe-bgp has of what the target offers: no DHCP, NAT, gateways, OVN or GUI. */
const KEPT = [/^ssh:hosts$/, /^underlay:/, /^encap:/, /^compute:/, /^compute-without-gateway:/];

/** The driver that attaches workloads to BGP IP VPNs through bagpipe-bgp's REST API on each PE. */
export const bagpipe: OrchestratorKind = {
  name: 'bagpipe',
  summary: "attaches workloads to BGP IP VPNs through bagpipe-bgp's REST API on each PE: a network is a VPN (route target), a router makes VPNs import each other's targets",
  builds: [],
  keeps: (capability) => KEPT.some((kept) => kept.test(capability)),
  problem: (target) => (target.bgpvpn ? undefined : 'it attaches ports through bagpipe-bgp: add a bgpvpn section (PEs and route reflector) to the target file'),
  open: async (target, hosts) => new (await import('./driver')).BagpipeOrchestrator(target, hosts),
};
