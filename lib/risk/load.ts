import { parseYamlWith } from '../util/yaml/parse';
import { readInputFile } from '../util/yaml/read';
import { riskSchema, type RiskFile } from './schema';

const START = `components:
  - { name: ovs-datapath, paths: ['datapath/**'], layer: datapath, blastRadius: critical }
policy:
  critical: { feature: ['@sanity', '@regression'], security: ['@sanity', '@regression'], hotfix: ['@sanity'] }`;

/** Reads risk.yaml; every mistake is located in the file with its fix. */
export async function loadRiskFile(file: string): Promise<RiskFile> {
  const text = await readInputFile(file, { name: 'risk', missing: 'write risk.yaml at the root of the product repository, or name it with --risk FILE' });
  return parseYamlWith(riskSchema, text, file, { name: 'risk', start: `start from:\n${START}` });
}
