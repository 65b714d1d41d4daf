import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { appendSynced, readJsonLines } from '../util/jsonl';
import { identify, stillRunning, type ProcessIdentity } from '../util/process-identity';
import { isAlive } from '../util/processes';
import { stateRoot } from '../util/state';

/** The first line of a run journal: who wrote it and against which target. */
export interface RunHeader {
  kind: 'header';
  prefix: string;
  pid: number;
  /** The run by PID and start time, so a PID reused by another process does not pass for it (absent in older journals). */
  owner?: ProcessIdentity;
  targetFile: string;
  orchestrator: string;
  /** The topology file it builds, so `topology destroy FILE` finds it. */
  topology: string;
  started: string;
}

/** Written when a deployment is kept on purpose (NETVET_KEEP, `topology apply`): cleanup leaves it. */
export interface KeptMark {
  kind: 'kept';
}

/** One thing a driver created, in the driver's own terms; the driver knows how to undo it. */
export interface UndoEntry {
  kind: 'undo';
  what: string;
  undo: Record<string, unknown>;
}

/** True while the run that wrote `header` goes on; a journal written without an owner only has its PID to go by. */
export function runStillGoing(header: RunHeader): boolean {
  return header.owner ? stillRunning(header.owner) : isAlive(header.pid);
}

export function runsDir(): string {
  return join(stateRoot(), 'runs');
}

/**
 * A deployment's journal: every resource is recorded before it is created, so a test that failed,
 * a worker that crashed or a run that was killed can all be undone in reverse order.
 */
export class RunJournal {
  readonly file: string;

  constructor(readonly prefix: string) {
    this.file = join(runsDir(), `${prefix}.jsonl`);
  }

  static create(prefix: string, header: Omit<RunHeader, 'kind' | 'prefix' | 'pid' | 'owner' | 'started'>): RunJournal {
    const journal = new RunJournal(prefix);
    appendSynced(journal.file, { kind: 'header', prefix, pid: process.pid, owner: identify(process.pid), started: new Date().toISOString(), ...header } satisfies RunHeader);
    return journal;
  }

  /** Journals left on this machine, with their headers. */
  static all(): Array<{ journal: RunJournal; header: RunHeader | undefined }> {
    if (!existsSync(runsDir())) return [];
    return readdirSync(runsDir())
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => {
        const journal = new RunJournal(f.slice(0, -'.jsonl'.length));
        return { journal, header: journal.header() };
      });
  }

  keep(): void {
    appendSynced(this.file, { kind: 'kept' } satisfies KeptMark);
  }

  isKept(): boolean {
    return this.lines().some((e) => e.kind === 'kept');
  }

  record(what: string, undo: Record<string, unknown>): void {
    appendSynced(this.file, { kind: 'undo', what, undo } satisfies UndoEntry);
  }

  private lines(): Array<RunHeader | UndoEntry | KeptMark> {
    return readJsonLines<RunHeader | UndoEntry | KeptMark>(this.file);
  }

  header(): RunHeader | undefined {
    return this.lines().find((e): e is RunHeader => e.kind === 'header');
  }

  /** Undo entries, newest first. */
  undoEntries(): UndoEntry[] {
    return this.lines()
      .filter((e): e is UndoEntry => e.kind === 'undo')
      .reverse();
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}
