import { loadTopology } from '../topology/load';
import { isUserError } from '../util/errors';

/**
 * `netvet topology validate FILE...`: loads each file as a scenario would and reports it; every file is
 * checked even after one fails. Returns the exit code: 0 when all are valid, 1 otherwise.
 */
export async function validateTopologies(files: string[]): Promise<number> {
  let code = 0;
  for (const file of files) {
    try {
      const topology = await loadTopology(file);
      const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
      console.log(`${file}: ok (${count(topology.networks.length, 'network')}, ${count(topology.workloads.length, 'workload')})`);
    } catch (error) {
      if (!isUserError(error)) throw error;
      console.error(error.format());
      code = 1;
    }
  }
  return code;
}
