import { createHash } from 'node:crypto';

/**
 * OVN and Linux names of one deployment's objects. Every name starts with the deployment prefix so
 * a sweep finds leftovers by name alone; port groups use `_` because OVN match expressions
 * (`@pg`, `$pg_ip4`) accept no `-`.
 */
export class Names {
  constructor(readonly prefix: string) {}

  switch(network: string): string {
    return `${this.prefix}${network}`;
  }

  router(router: string): string {
    return `${this.prefix}${router}`;
  }

  routerPort(router: string, network: string): string {
    return `${this.prefix}${router}-${network}`;
  }

  /** The switch-side peer of a router port. */
  routerPeer(router: string, network: string): string {
    return `${this.routerPort(router, network)}-rp`;
  }

  externalSwitch(router: string): string {
    return `${this.prefix}ext-${router}`;
  }

  gatewayPort(router: string): string {
    return `${this.prefix}${router}-gw`;
  }

  workloadPort(workload: string, index: number): string {
    return `${this.prefix}${workload}-${index}`;
  }

  portGroup(group: string): string {
    return `${this.prefix}${group}`.replace(/[^A-Za-z0-9_]/g, '_');
  }

  /** Every port with port security sits in this group, whose ACLs drop what no group allows. */
  dropGroup(): string {
    return this.portGroup('drop_');
  }

  /** A veth name unique per logical port, within Linux's 15 characters. */
  tap(logicalPort: string): string {
    return `tap${createHash('sha1').update(logicalPort).digest('hex').slice(0, 11)}`;
  }
}
