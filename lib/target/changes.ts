import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appendSynced, readJsonLines } from '../util/jsonl';
import type { ProcessIdentity } from '../util/process-identity';
import { stateRoot } from '../util/state';

/** A switch of every chassis' tunnel encapsulation, and what each chassis had before it. */
export interface EncapsulationChange {
  kind: 'encapsulation';
  /** The run that switched: while it runs, the switch is its own to undo. */
  owner: ProcessIdentity;
  targetFile: string;
  target: string;
  started: string;
  /** Each chassis' `external_ids:ovn-encap-type` before the switch (null: it had none). */
  originals: Array<{ host: string; setting: string | null }>;
}

export type TargetChange = EncapsulationChange;

export function changesDir(): string {
  return join(stateRoot(), 'changes');
}

/**
 * A change to a whole target (not to one deployment), recorded and synced before it is made and
 * removed once it is undone, so `netvet cleanup` can undo it after the run that made it was killed.
 */
export class ChangeJournal {
  private constructor(readonly file: string) {}

  static record(change: TargetChange): ChangeJournal {
    const journal = new ChangeJournal(join(changesDir(), `${change.kind}-${change.owner.pid}-${randomBytes(3).toString('hex')}.jsonl`));
    appendSynced(journal.file, change);
    return journal;
  }

  /** Changes recorded on this machine and not undone yet; a file torn before its record was synced holds none. */
  static all(): Array<{ journal: ChangeJournal; change: TargetChange | undefined }> {
    if (!existsSync(changesDir())) return [];
    return readdirSync(changesDir())
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => {
        const journal = new ChangeJournal(join(changesDir(), f));
        return { journal, change: readJsonLines<TargetChange>(journal.file)[0] };
      });
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}
