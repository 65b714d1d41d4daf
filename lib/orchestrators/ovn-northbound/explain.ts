import type { OvnNames } from '../../sdn/ovn/explain';
import { Names } from './names';

/** What this driver named a deployment's objects in OVN, from the deployment prefix alone: the SDN's binding. */
export function ovnNames(prefix: string): OvnNames {
  const names = new Names(prefix);
  return {
    switchOf: (network) => names.switch(network),
    gatewayOf: (router) => ({ port: names.gatewayPort(router), localnet: `${names.externalSwitch(router)}-ln` }),
    routerOf: (router) => names.router(router),
  };
}
