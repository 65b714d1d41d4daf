import { HorizonPage, selectOptionContaining, selectValue } from './page';

export interface RuleForm {
  direction: 'ingress' | 'egress';
  protocol: 'tcp' | 'udp';
  port: number;
  /** A remote security group (by name) or a CIDR. */
  remote: { group: string } | { cidr: string };
}

/** Project > Network > Security Groups: a group's Manage Rules page and its Add Rule form. */
export class SecurityGroupsPage extends HorizonPage {
  async open(): Promise<void> {
    await this.visit('/project/security_groups/');
  }

  async addRule(group: string, rule: RuleForm): Promise<string> {
    await this.open();
    await this.page.getByRole('row').filter({ has: this.page.getByRole('gridcell', { name: group, exact: true }) }).getByRole('link', { name: 'Manage Rules' }).click();
    await this.page.getByRole('link', { name: 'Add Rule' }).click();
    const modal = this.modal;
    await selectValue(modal.locator('#id_rule_menu'), rule.protocol);
    await selectValue(modal.locator('#id_direction'), rule.direction);
    await selectValue(modal.locator('#id_port_or_range'), 'port');
    await modal.locator('#id_port').fill(String(rule.port));
    if ('group' in rule.remote) {
      await selectValue(modal.locator('#id_remote'), 'sg');
      await selectOptionContaining(modal.locator('#id_security_group'), rule.remote.group, 'the Add Rule form');
    } else {
      await selectValue(modal.locator('#id_remote'), 'cidr');
      await modal.locator('#id_cidr').fill(rule.remote.cidr);
    }
    return this.submitModal();
  }

  async names(): Promise<string[]> {
    await this.open();
    return this.tableNames();
  }
}
