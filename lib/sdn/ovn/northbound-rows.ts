import { ovsdbRows } from './ovsdb-json';
import { run } from '../../util/exec';

/** Rows of a northbound table as objects of the asked columns (bare values; sets and maps as text). */
export async function listNorthbound(db: string, table: string, columns: string[]): Promise<Array<Record<string, string>>> {
  const { stdout } = await run(['ovn-nbctl', `--db=${db}`, '--timeout=20', '--format=json', '--data=json', `--columns=${columns.join(',')}`, 'list', table], { timeoutMs: 25_000 });
  return ovsdbRows(stdout).map((row) => Object.fromEntries(Object.entries(row).map(([column, value]) => [column, String(value)])));
}
