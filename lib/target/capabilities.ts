import { placementCapabilities } from '../orchestrators/shared/placement';
import type { OrchestratorKind, OptionalSection } from '../orchestrators/types';
import type { SdnKind } from '../sdn/types';
import type { Target } from './schema';

/** The capability a topology section gives when the driver builds it. */
const SECTION_CAPABILITY: Record<OptionalSection, string> = { policies: 'policy', serviceChains: 'service-chain', mirrors: 'mirror' };

/**
 * What a target offers through one driver, derived in this one place: the facts its file declares
 * (HA, underlay, gateways), its hosts (`compute:3`: three compute hosts run workloads), what its
 * SDN offers, the sections the driver builds, less what the driver cannot drive. Scenarios ask for
 * these, never for a driver.
 */
export function capabilitiesOf(target: Target, sdn: SdnKind, driver: OrchestratorKind): string[] {
  const declared = target.capabilities.filter((c) => !c.startsWith('orchestrator:') && !c.startsWith('sdn:'));
  const external = target.hosts.some((h) => h.roles.includes('external')) ? ['external:host'] : [];
  const offered = [...declared, ...placementCapabilities(target.hosts), ...external, ...sdn.capabilities(target), ...driver.builds.map((s) => SECTION_CAPABILITY[s])];
  return [...new Set([`sdn:${sdn.name}`, `orchestrator:${driver.name}`, ...offered.filter((c) => driver.keeps(c, target))])];
}
