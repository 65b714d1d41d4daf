import { HorizonPage, selectOptionContaining } from './page';

/** Project > Network > Routers: Create Router, and a router's Interfaces tab with Add Interface. */
export class RoutersPage extends HorizonPage {
  async open(): Promise<void> {
    await this.visit('/project/routers/');
  }

  async create(name: string, externalNetwork?: string): Promise<string> {
    await this.open();
    await this.page.getByRole('link', { name: 'Create Router' }).click();
    await this.modal.locator('#id_name').fill(name);
    if (externalNetwork) await selectOptionContaining(this.modal.locator('#id_external_network'), externalNetwork, 'the Create Router form');
    return this.submitModal();
  }

  /** Adds an interface on the subnet whose label in the form contains `subnet` (Horizon shows `network: cidr (subnet)`). */
  async addInterface(router: string, subnet: string): Promise<string> {
    await this.open();
    await this.page.getByRole('link', { name: router, exact: true }).click();
    await this.page.getByRole('link', { name: 'Interfaces', exact: true }).click();
    await this.page.getByRole('link', { name: 'Add Interface' }).click();
    const select = this.modal.locator('#id_subnet_id');
    await selectOptionContaining(select, subnet, 'the Add Interface form');
    return this.submitModal();
  }

  async names(): Promise<string[]> {
    await this.open();
    return this.tableNames();
  }
}
