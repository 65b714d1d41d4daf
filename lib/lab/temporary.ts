import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeError } from '../util/errors';
import { stillRunning } from '../util/process-identity';
import { labDown, labOwner } from './lab';
import { stateRoot } from '../util/state';
import { LAB_NAME } from './plan';

export interface LabCleanupItem {
  name: string;
  reason: string;
  /** Why it could not be taken down; the lab stays for the next try. */
  error?: string;
}

/**
 * `netvet cleanup`: takes down the temporary labs (`lab up --owner-pid`) whose owner is gone, and
 * with `all` those whose owner still runs too. A lab brought up without an owner is never touched.
 */
export async function cleanupLabs(options: { all?: boolean; dryRun?: boolean }): Promise<LabCleanupItem[]> {
  const root = join(stateRoot(), 'labs');
  if (!existsSync(root)) return [];
  const names = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory() && LAB_NAME.test(d.name)).map((d) => d.name);
  const items: LabCleanupItem[] = [];
  for (const name of names) {
    const owner = labOwner(name);
    if (!owner) continue;
    // Same PID and start time: a PID reused by an unrelated process does not keep the lab.
    const running = stillRunning(owner);
    if (running && !options.all) continue;
    const item: LabCleanupItem = { name, reason: `its owner, process ${owner.pid}, ${running ? 'still runs' : 'is gone'}` };
    if (!options.dryRun) await labDown(name).catch((error: unknown) => (item.error = describeError(error)));
    items.push(item);
  }
  return items;
}
