import { NetvetError } from '../util/errors';
import { CommandError, run } from '../util/exec';

/** A southbound row: strings as they are, integers as numbers, sets and maps as text. */
export type Row = Record<string, string | number>;

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
    const parsed = JSON.parse(stdout) as { headings: string[]; data: unknown[][] };
    return parsed.data.map((row) => Object.fromEntries(parsed.headings.map((h, i) => [h, value(row[i])])));
  }
}

/** OVSDB JSON values (["uuid", x], ["set", [...]], ["map", [[k, v]...]]) as plain values. */
function value(raw: unknown): string | number {
  if (typeof raw === 'number') return raw;
  if (!Array.isArray(raw)) return String(raw);
  const [kind, content] = raw as [string, unknown];
  if (kind === 'uuid' || kind === 'named-uuid') return String(content);
  if (kind === 'set') return (content as unknown[]).map(value).join(' ');
  if (kind === 'map') return (content as Array<[unknown, unknown]>).map(([k, v]) => `${value(k)}=${value(v)}`).join(' ');
  return JSON.stringify(raw);
}
