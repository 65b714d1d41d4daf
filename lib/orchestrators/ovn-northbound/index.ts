import type { OrchestratorKind } from '../types';

/** The driver that programs OVN's northbound DB directly (as a CMS would): any OVN deployment, no cloud layer needed. */
export const ovnNorthbound: OrchestratorKind = {
  name: 'ovn-northbound',
  summary: "writes the topology into OVN's northbound DB and plugs workloads into namespaces on the chassis over SSH",
  builds: ['policies', 'serviceChains', 'mirrors', 'securityGroups'],
  // A dashboard shows what its cloud layer built; this driver builds beneath any cloud layer, so none shows it.
  keeps: (capability) => !capability.startsWith('gui:'),
  problem: (target) => (target.ovn ? undefined : 'it programs OVN: add ovn.northbound and ovn.southbound to the target file'),
  open: async (target, hosts) => new (await import('./driver')).OvnNorthboundOrchestrator(target, hosts),
};
