import { run } from '../../util/exec';

/** Rows of a northbound table as objects of the asked columns (bare values; sets and maps as text). */
export async function listNorthbound(db: string, table: string, columns: string[]): Promise<Array<Record<string, string>>> {
  const { stdout } = await run(['ovn-nbctl', `--db=${db}`, '--timeout=20', '--format=json', '--data=json', `--columns=${columns.join(',')}`, 'list', table], { timeoutMs: 25_000 });
  const parsed = JSON.parse(stdout) as { headings: string[]; data: unknown[][] };
  return parsed.data.map((row) => Object.fromEntries(parsed.headings.map((h, i) => [h, bare(row[i])])));
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
