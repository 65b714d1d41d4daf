import type { Target } from '../../target/schema';

/** What the SDN under Neutron can do but Neutron (ML2/OVN, no networking-sfc or tap-as-a-service) offers no API for. */
const UNMODELLED = new Set(['encap:switchable', 'mirror', 'policy', 'service-chain']);

/**
 * The target's capabilities as seen through Neutron: tenant networks use the encapsulation the SDN
 * runs (Neutron cannot switch it), and what Neutron has no API for is gone, so scenarios that
 * need it skip with the reason.
 */
export function neutronCapabilities(target: Target): string[] {
  return target.capabilities.filter((c) => !UNMODELLED.has(c) && (!c.startsWith('encap:') || c === `encap:${target.encapsulation.current}`));
}
