export { loadTopology, parseTopology } from './load';
export { planTopology, type PlanOptions } from './plan';
export { topologySchema, topologyJsonSchema, type TopologySpec } from './schema';
export type { SourceLocator } from './source';
export type * from './model';
