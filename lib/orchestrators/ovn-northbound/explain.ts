import type { OvnNames } from '../../sdn/ovn/explain';
import type { Deployment } from '../types';
import { Names } from './names';
import { ruleMatch } from './security-groups';

/** OVN's names of what this driver made for a deployment, all derived from the deployment prefix (names.ts): the SDN's binding. */
export function ovnNames(deployment: Deployment): OvnNames {
  const names = new Names(deployment.prefix);
  return {
    switchOf: (network) => names.switch(network),
    gatewayOf: (router) => ({ port: names.gatewayPort(router), localnet: `${names.externalSwitch(router)}-ln` }),
    routerOf: (router) => names.router(router),
    logicalRouterOf: (router) => names.router(router),
    portGroupOf: (group) => names.portGroup(group),
    logicalPortOf: (workload, index) => names.workloadPort(workload, index),
    // Two drops (from-lport, to-lport) and the DHCP allow (security-groups.ts).
    dropGroup: { name: names.dropGroup(), acls: 3 },
    // One allow-related ACL per rule (security-groups.ts), told apart by its match.
    aclsPerRule: 1,
    ruleOfAcl: (groupName, acl) => {
      const group = deployment.topology.securityGroups.find((g) => g.name === groupName);
      const index = group ? group.rules.findIndex((rule) => ruleMatch(names, group, rule) === acl.match) : -1;
      return index < 0 ? undefined : index;
    },
  };
}
