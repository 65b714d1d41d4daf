import { HorizonPage } from './page';

export interface SubnetRow {
  name: string;
  cidr: string;
  /** Empty when the subnet has no gateway. */
  gateway: string;
}

export type SubnetForm = SubnetRow;

/** Project > Network > Networks > a network > Subnets tab: the network's subnets, Create Subnet and Delete Subnet. */
export class SubnetsPage extends HorizonPage {
  /** The network's detail page on its Subnets tab, reached from the Networks list by the network's name. */
  async open(network: string): Promise<void> {
    // Create and Delete land back on the network's page: reloading it is faster than the walk from the list.
    const onIt = /\/project\/networks\/[^/]+\/detail/.test(this.page.url()) && (await this.page.locator('.detail-title').allInnerTexts()).map((t) => t.trim()).includes(network);
    if (onIt) {
      await this.page.reload();
    } else {
      await this.visit('/project/networks/');
      await this.page.getByRole('link', { name: network, exact: true }).click();
    }
    await this.page.getByRole('link', { name: 'Subnets', exact: true }).click();
    await this.table.waitFor();
  }

  private get table() {
    return this.page.locator('table#subnets');
  }

  /** The subnets the tab lists, in its order; columns found by their headings, which say what they hold. */
  async rows(network: string): Promise<SubnetRow[]> {
    await this.open(network);
    const headings = (await this.table.locator('thead tr:last-child th').allInnerTexts()).map((h) => h.trim());
    const column = (name: string) => {
      const at = headings.indexOf(name);
      if (at < 0) throw new Error(`the Subnets tab has no '${name}' column (it has: ${headings.join('; ')})`);
      return at;
    };
    const [name, cidr, gateway] = [column('Name'), column('Network Address'), column('Gateway IP')];
    const rows = await this.table.locator('tbody tr:not(.empty)').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    // Horizon shows a missing gateway as '-'.
    return rows.map((cells) => ({ name: cells[name], cidr: cells[cidr], gateway: cells[gateway] === '-' ? '' : cells[gateway] }));
  }

  /** Create Subnet on the tab (two steps: subnet, details); Horizon's success message, or an error with its refusal. */
  async create(network: string, form: SubnetForm): Promise<string> {
    await this.open(network);
    await this.page.getByRole('link', { name: 'Create Subnet' }).click();
    const modal = this.modal;
    await modal.locator('#id_subnet_name').fill(form.name);
    await modal.locator('#id_cidr').fill(form.cidr);
    await modal.locator('#id_gateway_ip').fill(form.gateway);
    await modal.getByRole('button', { name: /Next/ }).click();
    return this.submitModal(modal.getByRole('button', { name: 'Create' }));
  }

  /** Delete Subnet from the subnet's row menu, confirmed in Horizon's dialog. */
  async delete(network: string, subnet: string): Promise<string> {
    await this.open(network);
    const row = this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name: subnet, exact: true }) });
    await row.locator('.dropdown-toggle').click();
    await row.getByRole('button', { name: 'Delete Subnet' }).click();
    // Horizon's confirmation dialog is drawn in the browser; its buttons are links.
    return this.submitModal(this.modal.getByRole('link', { name: 'Delete Subnet' }));
  }
}
