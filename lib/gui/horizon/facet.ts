import type { Neutron } from '../../orchestrators/openstack/neutron';
import type { Deployment } from '../../orchestrators/types';

/** What Horizon scenarios need of the driver that built a deployment: each tenant's login, its Neutron, servers on networks made in the dashboard. */
export interface HorizonFacet {
  /** How a person logs in as one of the deployment's tenants: its user, password and project. */
  login(deployment: Deployment, tenant?: string): { username: string; password: string; project: string };
  /** Neutron as one of the deployment's tenants sees it (its own project only). */
  neutron(deployment: Deployment, tenant?: string): Neutron;
  /**
   * A server on a network the topology does not have (one a tenant made in the dashboard), owned by
   * the tenant's project and removed with the deployment; returns the deployment with it, reachable by `name`.
   */
  serverOn(deployment: Deployment, name: string, networkId: string, options?: { tenant?: string; host?: string }): Promise<Deployment>;
}

declare module '../../orchestrators/types' {
  interface Facets {
    horizon?: HorizonFacet;
  }
}
