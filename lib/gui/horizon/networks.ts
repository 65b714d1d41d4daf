import { HorizonPage } from './page';

export interface NetworkForm {
  name: string;
  subnet: { name: string; cidr: string; gateway: string };
}

/** Project > Network > Networks: the list and the three-step Create Network workflow (network, subnet, details). */
export class NetworksPage extends HorizonPage {
  async open(): Promise<void> {
    await this.visit('/project/networks/');
  }

  async create(form: NetworkForm): Promise<string> {
    await this.open();
    await this.page.getByRole('link', { name: 'Create Network' }).click();
    const modal = this.modal;
    await modal.locator('#id_net_name').fill(form.name);
    await modal.locator('#id_with_subnet').check();
    await modal.getByRole('button', { name: /Next/ }).click();
    await modal.locator('#id_subnet_name').fill(form.subnet.name);
    await modal.locator('#id_cidr').fill(form.subnet.cidr);
    await modal.locator('#id_gateway_ip').fill(form.subnet.gateway);
    await modal.getByRole('button', { name: /Next/ }).click();
    return this.submitModal(modal.getByRole('button', { name: 'Create' }));
  }

  async names(): Promise<string[]> {
    await this.open();
    return this.tableNames();
  }
}
