import type { Target } from '../../target/schema';
import { OvnExplainer } from '../../sdn/ovn/explain';
import type { Deployment, Evidence, ExplainedFlow } from '../types';
import { Names } from './names';
import type { Northbound } from './northbound';

/** ovn-trace explanations (lib/sdn/ovn/explain.ts) of what the ovn-northbound driver named from the deployment prefix. */
export class Explainer {
  constructor(
    private readonly target: Target,
    private readonly northbound: Northbound,
  ) {}

  explain(deployment: Deployment, flow: ExplainedFlow): Promise<Evidence> {
    const names = new Names(deployment.prefix);
    return new OvnExplainer(this.target, this.northbound, {
      switchOf: (network) => names.switch(network),
      gatewayOf: (router) => ({ port: names.gatewayPort(router), localnet: `${names.externalSwitch(router)}-ln` }),
      routerOf: (router) => names.router(router),
    }).explain(deployment, flow);
  }
}
