import { HorizonPage } from './page';

export interface DrawnTopology {
  /** Neutron ids of the networks drawn. */
  networks: string[];
  /** Neutron ids of the routers drawn. */
  routers: string[];
}

/** Project > Network > Network Topology: the SVG Horizon draws from the project's networks, routers and ports. */
export class NetworkTopologyPage extends HorizonPage {
  async open(): Promise<void> {
    await this.visit('/project/network_topology/');
  }

  /**
   * What the drawing shows, by Neutron id (each element is `id_<uuid>`): networks, and the devices
   * drawn as routers. Horizon draws everything in one pass once its JSON view has answered.
   */
  async drawn(): Promise<DrawnTopology> {
    const data = this.page.waitForResponse((r) => r.url().includes('/project/network_topology/json'));
    await this.open();
    await data;
    const canvas = this.page.locator('svg#topology_canvas');
    await canvas.locator('g.network').first().waitFor();
    const ids = (selector: string) => canvas.locator(selector).evaluateAll((els) => els.map((el) => el.id.replace(/^id_/, '')));
    return { networks: await ids('g.network'), routers: await ids('g.device:has(> g[class^="router_"])') };
  }
}
