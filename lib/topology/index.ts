export { loadTopology, parseTopology } from './load';
export { planTopology, type PlanOptions } from './plan';
export { topologySchema, type TopologySpec } from './schema';
export type { SourceLocator } from '../util/yaml/source';
export type * from './model';
