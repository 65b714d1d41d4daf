import { NetvetError } from '../../util/errors';
import { CommandError, run } from '../../util/exec';
import { listNorthbound } from '../../sdn/ovn/northbound-rows';

/** The OVN northbound database through `ovn-nbctl`, several commands per process (one transaction). */
export class Northbound {
  constructor(private readonly db: string) {}

  /** Runs the commands as one `ovn-nbctl` transaction; returns its output lines. */
  async run(commands: string[][], options: { wait?: 'hv' | 'sb'; timeoutS?: number } = {}): Promise<string[]> {
    if (!commands.length) return [];
    const timeoutS = options.timeoutS ?? 30;
    const argv = [
      'ovn-nbctl',
      `--db=${this.db}`,
      `--timeout=${timeoutS}`,
      ...(options.wait ? [`--wait=${options.wait}`] : []),
      ...commands.flatMap((command, i) => (i ? ['--', ...command] : command)),
    ];
    try {
      const { stdout } = await run(argv, { timeoutMs: (timeoutS + 5) * 1000 });
      return stdout.split('\n').filter(Boolean);
    } catch (error) {
      if (error instanceof CommandError && /Connection refused|timed out|No route/i.test(error.result.stderr)) {
        throw new NetvetError(`the OVN northbound database at ${this.db} does not answer`, 'check the target file (ovn.northbound) and that the database runs');
      }
      throw error;
    }
  }

  /** Rows of a table as objects of the asked columns (bare values; sets and maps as text). */
  list(table: string, columns: string[]): Promise<Array<Record<string, string>>> {
    return listNorthbound(this.db, table, columns);
  }
}
