import { HorizonPage } from './page';

export interface FloatingIpRow {
  address: string;
  /** The fixed address it maps to; empty when it is not associated. */
  mappedTo: string;
  status: string;
}

/** Project > Network > Floating IPs: what the project holds and where each one points. */
export class FloatingIpsPage extends HorizonPage {
  async open(): Promise<void> {
    await this.visit('/project/floating_ips/');
  }

  async rows(): Promise<FloatingIpRow[]> {
    await this.open();
    const table = this.page.locator('table').first();
    await table.waitFor();
    const headings = (await table.locator('thead th').allInnerTexts()).map((h) => h.trim());
    const column = (name: string) => headings.indexOf(name);
    const rows = await table.locator('tbody tr:not(.empty)').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => (td.textContent ?? '').trim())));
    return rows.map((cells) => ({ address: cells[column('IP Address')], mappedTo: cells[column('Mapped Fixed IP Address')].replace(/^.*\s/, ''), status: cells[column('Status')] }));
  }
}
