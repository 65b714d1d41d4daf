import type { SdnKind } from '../types';

/** OVN: northbound and southbound OVSDB (standalone or Raft clusters), ovn-northd, ovn-controller on every chassis. */
export const ovn: SdnKind = {
  name: 'ovn',
  summary: 'OVN: logical switches and routers in OVSDB, ovn-controller programming OVS on every chassis',
  capabilities: (target) => [
    ...target.encapsulation.supported.map((kind) => `encap:${kind}`),
    // Switching needs every chassis reachable over SSH to change its ovn-encap-type.
    ...(target.encapsulation.supported.length > 1 && target.access.ssh ? ['encap:switchable'] : []),
    ...(target.ovn ? ['ovn:trace'] : []),
  ],
  open: async (target, hosts) => new (await import('./sdn')).OvnSdn(target, hosts),
  discover: async (request) => (await import('./discover')).discoverOvn(request),
};
