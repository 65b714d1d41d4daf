import { appendSynced, readJsonLines } from '../util/jsonl';

/**
 * What a lab made, written before it is made, so `lab down` can undo a lab that was killed halfway:
 * every entry is appended and synced before the action it describes.
 */
export type JournalEntry =
  /** The process the lab is temporary for (`lab up --owner-pid`): `netvet cleanup` takes the lab down once it is gone. */
  | { kind: 'owner'; pid: number; started: number }
  /** An `unreachable` route in the root namespace fencing the lab's address range (also its claim). */
  | { kind: 'route'; destination: string }
  | { kind: 'netns'; name: string }
  /** A link whose end sits in the root namespace. */
  | { kind: 'link'; name: string }
  /** A daemon that writes this pid file; its command line names the lab's directory. */
  | { kind: 'daemon'; host: string; pidfile: string };

export class Journal {
  constructor(readonly file: string) {}

  record(entry: JournalEntry): void {
    appendSynced(this.file, entry);
  }

  entries(): JournalEntry[] {
    return readJsonLines<JournalEntry>(this.file);
  }
}
