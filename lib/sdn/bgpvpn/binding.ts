import type { Deployment, Orchestrator } from '../../orchestrators/types';
import { NetvetError } from '../../util/errors';

/** How a driver named a deployment's BGP VPN objects: each network an IP VPN (a VRF on every PE it reaches). */
export interface BgpVpnNames {
  /** The VPN instance id the network's ports are attached with, and the route target it exports (`64512:1234`). */
  vpnOf(network: string): { instance: string; routeTarget: string };
}

// How an orchestrator tells the BGP VPN SDN what it named a deployment's objects (lib/sdn/types.ts, SdnBindings).
declare module '../types' {
  interface SdnBindings {
    bgpvpn: BgpVpnNames;
  }
}

/** The orchestrator's names of a deployment's VPNs; a driver that cannot give them is named with the fix. */
export function bgpVpnNamesOf(orchestrator: Orchestrator, deployment: Deployment): Promise<BgpVpnNames> {
  const binding = orchestrator.bindings.bgpvpn;
  if (!binding) {
    return Promise.reject(
      new NetvetError(`the ${orchestrator.name} orchestrator does not say how it names what it builds as BGP VPNs`, 'give its driver a bindings.bgpvpn (lib/sdn/bgpvpn/binding.ts), or run against a target whose SDN it drives'),
    );
  }
  return binding(deployment);
}
