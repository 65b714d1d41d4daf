import { existsSync } from 'node:fs';
import { describeError } from '../util/errors';
import { stillRunning } from '../util/process-identity';
import { ChangeJournal } from './changes';
import { withTarget } from '../orchestrators/lifecycle';

export interface ChangeCleanupItem {
  what: string;
  reason: string;
  /** Why it could not be undone (an unreachable target, say); its journal stays for the next try. */
  error?: string;
}

/**
 * `netvet cleanup`: undoes the target-wide changes (encapsulation switches) of runs that are gone,
 * and with `all` those of runs still going too.
 */
export async function cleanupChanges(options: { all?: boolean; dryRun?: boolean }): Promise<ChangeCleanupItem[]> {
  const items: ChangeCleanupItem[] = [];
  for (const { journal, change } of ChangeJournal.all()) {
    if (!change) {
      // Torn before its record was synced: nothing was switched yet.
      if (!options.dryRun) journal.remove();
      continue;
    }
    const running = stillRunning(change.owner);
    if (running && !options.all) continue;
    const what = `the encapsulation of ${change.originals.map((o) => `${o.host}=${o.setting ?? 'none'}`).join(' ')} on target '${change.target}'`;
    const reason = `run ${change.owner.pid} ${running ? 'is still going' : 'is gone'}`;
    if (!existsSync(change.targetFile)) {
      // Its target is gone with everything on it (a lab taken down): only the record is left.
      if (!options.dryRun) journal.remove();
      items.push({ what, reason: `${reason}; its target ${change.targetFile} no longer exists` });
      continue;
    }
    const item: ChangeCleanupItem = { what, reason };
    items.push(item);
    if (options.dryRun) continue;
    try {
      await withTarget(change.targetFile, ({ sdn }) => sdn.encapsulationSwitch(change.targetFile).restoreRecorded(change, journal));
    } catch (error) {
      item.error = describeError(error);
    }
  }
  return items;
}
