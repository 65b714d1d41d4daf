import type { Page } from '@playwright/test';
import { FloatingIpsPage } from './floating-ips';
import { LoginPage } from './login';
import { NetworkTopologyPage } from './network-topology';
import { NetworksPage } from './networks';
import { RoutersPage } from './routers';
import { SecurityGroupsPage } from './security-groups';
import { SubnetsPage } from './subnets';

/** Horizon's pages a scenario uses, on one browser page. */
export function horizonPages(page: Page, baseUrl: string) {
  return {
    login: new LoginPage(page, baseUrl),
    networks: new NetworksPage(page, baseUrl),
    subnets: new SubnetsPage(page, baseUrl),
    routers: new RoutersPage(page, baseUrl),
    securityGroups: new SecurityGroupsPage(page, baseUrl),
    floatingIps: new FloatingIpsPage(page, baseUrl),
    topology: new NetworkTopologyPage(page, baseUrl),
  };
}

export type Horizon = ReturnType<typeof horizonPages>;
