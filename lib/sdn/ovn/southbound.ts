import { NetvetError } from '../../util/errors';
import { CommandError, run } from '../../util/exec';
import { ovsdbRows, type Row } from './ovsdb-json';

/**
 * The OVN southbound database through `ovn-sbctl`, read-only: what the chassis announce (Encap)
 * and the keys northd gave the logical datapaths and ports (the ids a tunnel carries).
 */
export class Southbound {
  constructor(private readonly db: string) {}

  /** Rows of `table` matching every condition (`ovn-sbctl find` syntax, e.g. `chassis_name=ch1`). */
  async find(table: string, columns: string[], conditions: string[] = []): Promise<Row[]> {
    const argv = ['ovn-sbctl', `--db=${this.db}`, '--timeout=20', '--format=json', '--data=json', `--columns=${columns.join(',')}`, 'find', table, ...conditions];
    let stdout: string;
    try {
      ({ stdout } = await run(argv, { timeoutMs: 25_000 }));
    } catch (error) {
      if (error instanceof CommandError && /Connection refused|timed out|No route/i.test(error.result.stderr)) {
        throw new NetvetError(`the OVN southbound database at ${this.db} does not answer`, 'check the target file (ovn.southbound) and that the database runs');
      }
      throw error;
    }
    return ovsdbRows(stdout);
  }
}
