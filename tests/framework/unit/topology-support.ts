import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { loadTopology, type PlanOptions, type Topology } from '../../../lib/topology';
import { NetvetErrors } from '../../../lib/util/errors';

/** Writes a topology given line by line (so a test reads its line numbers off the array) to a fresh temp dir. */
export async function topologyFile(lines: string[], name = 'topo.yaml'): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'netvet-topology-')), name);
  await writeFile(file, lines.join('\n') + '\n');
  return file;
}

export async function loadLines(lines: string[], options?: PlanOptions): Promise<Topology> {
  return loadTopology(await topologyFile(lines), options);
}

/** Loads a topology that must be refused; returns the file and every formatted error. */
export async function refused(lines: string[], options?: PlanOptions): Promise<{ file: string; errors: string[] }> {
  const file = await topologyFile(lines);
  const error = await loadTopology(file, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the topology should have been refused').toBeInstanceOf(NetvetErrors);
  const errors = (error as NetvetErrors).errors.map((e) => e.format());
  for (const text of errors) expect(text).not.toMatch(/\n\s+at /);
  return { file, errors };
}

/** Asserts one error starts with `file:where: head` and its fix line contains `fix`. */
export function expectError(result: { file: string; errors: string[] }, where: string, head: string, fix: string): void {
  const prefix = `${result.file}:${where}: ${head}`;
  const found = result.errors.find((e) => e.startsWith(prefix));
  expect(found, `no error starting with\n${prefix}\namong\n${result.errors.join('\n')}`).toBeDefined();
  expect(found).toContain(`\n  fix: ${fix}`);
}

/**
 * `line:column` of `token` on 1-based line `line`, so a test names the node an error must point at.
 * Without `nth` the token must occur once on the line; `nth: 2` picks its second occurrence.
 */
export function at(lines: string[], line: number, token: string, nth?: number): string {
  const text = lines[line - 1] ?? '';
  let column = text.indexOf(token);
  for (let n = 1; n < (nth ?? 1) && column >= 0; n++) column = text.indexOf(token, column + 1);
  expect(column, `'${token}' on line ${line}: ${text}`).toBeGreaterThanOrEqual(0);
  if (nth === undefined) expect(text.indexOf(token, column + 1), `'${token}' must occur once on line ${line}`).toBe(-1);
  return `${line}:${column + 1}`;
}
