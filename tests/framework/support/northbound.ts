import { expect } from '@playwright/test';
import type { FrameworkLab } from './lab';

/** A northbound table as CSV lines (bare values, no headings), one per row. */
export const rows = async (lab: FrameworkLab, table: string, columns: string) =>
  (await lab.nbctl('--format=csv', '--no-headings', '--data=bare', `--columns=${columns}`, 'list', table)).split('\n').filter(Boolean);

/** The first of our rows (names carry the run prefix `nv<run><worker><n>-`) whose name ends in `suffix`. */
export const named = (lines: string[], suffix: string) => lines.map((l) => l.split(',')[0]).find((name) => /^nv\w+-/.test(name) && name.endsWith(suffix));

/** The name of the scenario's router r1 once its `column` (nat, static_routes, ...) is set. */
export const routerWith = async (lab: FrameworkLab, column: string) => (await rows(lab, 'Logical_Router', `name,${column}`)).find((r) => /-r1,\S/.test(r))?.split(',')[0];

export interface Acl {
  direction: string;
  priority: string;
  match: string;
}

/** The first ACL whose match passes `test`. */
export async function findAcl(lab: FrameworkLab, test: (match: string) => boolean): Promise<Acl | undefined> {
  const { data } = JSON.parse(await lab.nbctl('--format=json', '--columns=direction,priority,match', 'list', 'ACL')) as { data: Array<[string, number, string]> };
  const found = data.find(([, , match]) => test(match));
  return found && { direction: found[0], priority: String(found[1]), match: found[2] };
}

/** Deletes an ACL of a port group behind netvet's back; the group is the one its match names (`inport == @pg ...`). */
export async function deleteAcl(lab: FrameworkLab, acl: Acl, ...options: string[]): Promise<void> {
  await lab.nbctl(...options, 'acl-del', acl.match.split(' ')[2].slice(1), acl.direction, acl.priority, acl.match);
}

/** The child's teardown removed everything it built in these tables, broken or not. */
export async function expectNoRows(lab: FrameworkLab, ...tables: string[]): Promise<void> {
  for (const table of tables) expect(await rows(lab, table, '_uuid'), `${table} rows left`).toEqual([]);
}
