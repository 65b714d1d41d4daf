import type { RunJournal } from '../journal';
import type { Tenant } from './tenants';

/** What one deployment is in Neutron's ids, kept while the worker runs (FIP moves and rule changes need them). */
export interface Built {
  tenants: Map<string, Tenant>;
  networks: Map<string, string>;
  subnets: Map<string, string>;
  groups: Map<string, string>;
  /** `workload:index` -> port id. */
  ports: Map<string, string>;
  floatingIps: Map<string, string>;
  /** The deployment's run journal: what is made later (a server on a dashboard-made network) is recorded there too. */
  journal: RunJournal;
}
