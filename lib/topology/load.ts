import { NetvetError, NetvetErrors } from '../util/errors';
import { parseYamlSource, type YamlKind } from '../util/yaml/parse';
import { readInputFile } from '../util/yaml/read';
import type { Topology } from './model';
import { planTopology, type PlanOptions } from './plan';
import { topologySchema } from './schema';

const topologyFile: YamlKind = { name: 'topology', start: 'describe at least one network (see topologies/l2-two-chassis.yaml)' };

/** Reads, validates and plans a topology file; throws NetvetErrors naming every problem with its place. */
export async function loadTopology(file: string, options: PlanOptions = {}): Promise<Topology> {
  const text = await readInputFile(file, { name: 'topology', missing: 'check the path (topologies live in topologies/)' }).catch((error: unknown) => {
    throw error instanceof NetvetError ? new NetvetErrors([error]) : error;
  });
  return parseTopology(text, file, options);
}

/**
 * Validates and plans topology text; `file` names it in errors. Structure is checked first, and
 * references and addresses only once the structure is sound, so one misspelt key does not also
 * produce a cascade of dangling references.
 */
export function parseTopology(text: string, file: string, options: PlanOptions = {}): Topology {
  const { value, source } = parseYamlSource(topologySchema, text, file, topologyFile);
  return planTopology(value, source, options);
}
