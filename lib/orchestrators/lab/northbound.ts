import { NetvetError } from '../../util/errors';
import { CommandError, run } from '../../util/exec';

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
  async list(table: string, columns: string[]): Promise<Array<Record<string, string>>> {
    const { stdout } = await run(
      ['ovn-nbctl', `--db=${this.db}`, '--timeout=20', '--format=json', '--data=json', `--columns=${columns.join(',')}`, 'list', table],
      { timeoutMs: 25_000 },
    );
    const parsed = JSON.parse(stdout) as { headings: string[]; data: unknown[][] };
    return parsed.data.map((row) => Object.fromEntries(parsed.headings.map((h, i) => [h, bare(row[i])])));
  }
}

/** OVSDB JSON values (["uuid", x], ["set", [...]], ["map", [[k, v]...]]) as plain text. */
function bare(value: unknown): string {
  if (!Array.isArray(value)) return String(value);
  const [kind, content] = value as [string, unknown];
  if (kind === 'uuid' || kind === 'named-uuid') return String(content);
  if (kind === 'set') return (content as unknown[]).map(bare).join(' ');
  if (kind === 'map') return (content as Array<[unknown, unknown]>).map(([k, v]) => `${bare(k)}=${bare(v)}`).join(' ');
  return JSON.stringify(value);
}
