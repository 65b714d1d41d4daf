import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Topology } from '../topology';
import { NetvetError } from '../util/errors';
import { appendSynced, readJsonLines } from '../util/jsonl';
import { identify, stillRunning, type ProcessIdentity } from '../util/process-identity';
import { isAlive } from '../util/processes';
import { stateRoot } from '../util/state';
import { operation, type Operation } from './operations';

/** The first line of a run journal: who wrote it, against which target, and the topology as planned. */
export interface RunHeader {
  kind: 'header';
  prefix: string;
  pid: number;
  /** The run by PID and start time, so a PID reused by another process does not pass for it. */
  owner?: ProcessIdentity;
  targetFile: string;
  orchestrator: string;
  /** The topology file it was planned from (absolute), so `topology destroy FILE` finds it. */
  topologyFile: string;
  /** The planned topology itself: a kept deployment is rebuilt from what was built, not from today's file. */
  plan: Topology;
  started: string;
}

/** Written when a deployment is kept on purpose (NETVET_KEEP, `topology apply`): cleanup leaves it. */
interface KeptMark {
  kind: 'kept';
}

/** One thing a driver created, in the driver's own terms (validated by the driver's schema on read). */
interface UndoLine {
  kind: 'undo';
  what: string;
  undo: unknown;
}

/** A change made at run time (a floating IP moved, a rule added). */
interface OperationLine {
  kind: 'operation';
  operation: Operation;
}

type JournalLine = RunHeader | KeptMark | UndoLine | OperationLine;

/** True while the run that wrote `header` goes on; a journal written without an owner only has its PID to go by. */
export function runStillGoing(header: RunHeader): boolean {
  return header.owner ? stillRunning(header.owner) : isAlive(header.pid);
}

export function runsDir(): string {
  return join(stateRoot(), 'runs');
}

/**
 * A deployment's journal: the plan, then every resource recorded before it is created, then every
 * change made at run time, so a test that failed, a worker that crashed or a run that was killed
 * can be undone in reverse order, and a kept deployment rebuilt as it is.
 */
export class RunJournal {
  readonly file: string;

  constructor(readonly prefix: string) {
    this.file = join(runsDir(), `${prefix}.jsonl`);
  }

  static create(prefix: string, header: Pick<RunHeader, 'targetFile' | 'orchestrator' | 'topologyFile' | 'plan'>): RunJournal {
    const journal = new RunJournal(prefix);
    appendSynced(journal.file, { kind: 'header', prefix, pid: process.pid, owner: identify(process.pid), started: new Date().toISOString(), ...header } satisfies RunHeader);
    return journal;
  }

  /** Journals left on this machine, with their headers (undefined for one torn or written by an older netvet). */
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

  record(what: string, undo: unknown): void {
    appendSynced(this.file, { kind: 'undo', what, undo } satisfies UndoLine);
  }

  /** Records a run-time change before it is made: a crash halfway leaves it journaled, and undo removes what it made. */
  recordOperation(change: Operation): void {
    appendSynced(this.file, { kind: 'operation', operation: change } satisfies OperationLine);
  }

  private lines(): JournalLine[] {
    return readJsonLines<JournalLine>(this.file);
  }

  header(): RunHeader | undefined {
    const header = this.lines().find((e): e is RunHeader => e.kind === 'header');
    // A header without a plan was written by an older netvet: cleanup still sweeps its prefix.
    return header?.plan ? header : undefined;
  }

  /** Undo records, newest first, each checked against the driver's schema: a record it cannot read is named, not guessed at. */
  undoEntries<T>(schema: z.ZodType<T>): Array<{ what: string; undo: T }> {
    return this.lines()
      .filter((e): e is UndoLine => e.kind === 'undo')
      .reverse()
      .map((e, i) => {
        const parsed = schema.safeParse(e.undo);
        if (!parsed.success) {
          throw new NetvetError(
            `run journal ${this.file}: undo record "${e.what}" (${i + 1} from the end) is not one this driver writes: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`,
            `remove what it names by hand, then delete the journal (or sweep the prefix: 'netvet topology destroy --prefix ${this.prefix}')`,
          );
        }
        return { what: e.what, undo: parsed.data };
      });
  }

  /** Run-time changes, oldest first, each checked on read. */
  operations(): Operation[] {
    return this.lines()
      .filter((e): e is OperationLine => e.kind === 'operation')
      .map((e) => {
        const parsed = operation.safeParse(e.operation);
        if (!parsed.success) throw new NetvetError(`run journal ${this.file}: a run-time change is not one netvet writes: ${JSON.stringify(e.operation)}`, `rebuild the deployment: 'netvet topology destroy --prefix ${this.prefix}'`);
        return parsed.data;
      });
  }

  remove(): void {
    rmSync(this.file, { force: true });
  }
}
