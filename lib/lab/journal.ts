import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * What a lab made, written before it is made, so `lab down` can undo a lab that was killed halfway:
 * every entry is appended and synced before the action it describes.
 */
export type JournalEntry =
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
    mkdirSync(dirname(this.file), { recursive: true });
    const fd = openSync(this.file, 'a');
    try {
      appendFileSync(fd, JSON.stringify(entry) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Entries in the order they were written; a line torn by a crash mid-write is ignored. */
  entries(): JournalEntry[] {
    if (!existsSync(this.file)) return [];
    return readFileSync(this.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as JournalEntry];
        } catch {
          return [];
        }
      });
  }
}
