/** An OVSDB row as ovn-nbctl / ovn-sbctl print it with --format=json --data=json: integers as numbers, sets and maps as text. */
export type Row = Record<string, string | number>;

/** The rows of `--format=json --data=json` output, as objects of their columns. */
export function ovsdbRows(stdout: string): Row[] {
  const parsed = JSON.parse(stdout) as { headings: string[]; data: unknown[][] };
  return parsed.data.map((row) => Object.fromEntries(parsed.headings.map((h, i) => [h, ovsdbValue(row[i])])));
}

/** OVSDB JSON values (["uuid", x], ["set", [...]], ["map", [[k, v]...]]) as plain values. */
function ovsdbValue(raw: unknown): string | number {
  if (typeof raw === 'number') return raw;
  if (!Array.isArray(raw)) return String(raw);
  const [kind, content] = raw as [string, unknown];
  if (kind === 'uuid' || kind === 'named-uuid') return String(content);
  if (kind === 'set') return (content as unknown[]).map(ovsdbValue).join(' ');
  if (kind === 'map') return (content as Array<[unknown, unknown]>).map(([k, v]) => `${ovsdbValue(k)}=${ovsdbValue(v)}`).join(' ');
  return JSON.stringify(raw);
}
