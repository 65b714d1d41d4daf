import { setTimeout as sleep } from 'node:timers/promises';
import type { Target } from '../../target/schema';
import { ovnOf } from './control-plane';
import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import type { ConfigWrites, WriteReport } from '../types';


/** One configuration write to the northbound DB at `remote` (one member, or the whole cluster). */
export async function writeNorthbound(remote: string, key: string, value: string, timeoutS: number): Promise<{ ok: boolean; error?: string }> {
  const result = await run(['ovn-nbctl', `--db=${remote}`, `--timeout=${timeoutS}`, 'set', 'NB_Global', '.', `external_ids:${key}=${value}`], {
    allowFail: true,
    timeoutMs: (timeoutS + 2) * 1000,
  });
  if (result.code === 0) return { ok: true };
  const error = result.stderr.trim().split('\n').pop()?.replace(/^ovn-nbctl: /, '') || (result.code >= 128 ? `timed out after ${timeoutS} s` : `exit ${result.code}`);
  return { ok: false, error };
}

/**
 * Configuration writes to the northbound DB, one every `intervalMs`, through the target's client
 * connection string (all members), as a CMS writes: they go to whichever member leads. Across a
 * control-plane fault it measures how long writes could not commit. The probe writes one key of
 * NB_Global external_ids and removes it when it stops.
 */
export class WriteProbe implements ConfigWrites {
  private running = true;
  private readonly marks: number[] = [];
  private readonly errors: Record<string, number> = {};
  private attempts = 0;
  private lastOk?: string;
  private readonly loop: Promise<void>;
  private readonly started = Date.now();
  private report?: Promise<WriteReport>;

  constructor(
    private readonly target: Target,
    readonly key: string,
    private readonly intervalMs = 50,
    private readonly timeoutS = 5,
  ) {
    this.marks.push(this.started);
    this.loop = this.write();
  }

  private async write(): Promise<void> {
    const remote = ovnOf(this.target).northbound;
    while (this.running) {
      const began = Date.now();
      const value = String(++this.attempts);
      const { ok, error } = await writeNorthbound(remote, this.key, value, this.timeoutS);
      if (ok) {
        this.marks.push(Date.now());
        this.lastOk = value;
      } else this.errors[error!] = (this.errors[error!] ?? 0) + 1;
      await sleep(Math.max(0, began + this.intervalMs - Date.now()));
    }
  }

  /** The value of the newest committed write (writes count up from 1), 0 before the first. */
  get lastCommitted(): number {
    return Number(this.lastOk ?? 0);
  }

  /** Resolves once `count` writes have committed, so a fault lands on a probe known to work. */
  async committed(count: number, withinMs = 15_000): Promise<void> {
    const deadline = Date.now() + withinMs;
    while (this.succeeded < count) {
      if (Date.now() > deadline) throw new NetvetError(`configuration writes to ${ovnOf(this.target).northbound} do not commit (${JSON.stringify(this.errors)})`, 'check the northbound cluster before injecting a fault');
      await sleep(this.intervalMs);
    }
  }

  /** Stops writing and removes the key; a second call returns the first report. */
  stop(): Promise<WriteReport> {
    this.report ??= this.finish();
    return this.report;
  }

  private async finish(): Promise<WriteReport> {
    this.running = false;
    await this.loop;
    const ended = Date.now();
    const remote = ovnOf(this.target).northbound;
    const read = await run(['ovn-nbctl', `--db=${remote}`, '--timeout=30', 'get', 'NB_Global', '.', `external_ids:${this.key}`], { allowFail: true, timeoutMs: 35_000 });
    await run(['ovn-nbctl', `--db=${remote}`, '--timeout=30', 'remove', 'NB_Global', '.', 'external_ids', this.key], { timeoutMs: 35_000 });
    const marks = this.succeeded < this.attempts && this.marks.at(-1)! < ended - this.intervalMs * 2 ? [...this.marks, ended] : this.marks;
    const silences = marks.slice(1).map((at, i) => ({ at: marks[i], ms: at - marks[i] - this.intervalMs }));
    return {
      attempts: this.attempts,
      succeeded: this.succeeded,
      failed: this.attempts - this.succeeded,
      longestOutageMs: Math.max(0, ...silences.map((s) => s.ms)),
      outages: silences.filter((s) => s.ms > Math.max(5 * this.intervalMs, 100)),
      durable: this.lastOk !== undefined && read.stdout.trim().replace(/^"|"$/g, '') === this.lastOk,
      errors: this.errors,
    };
  }

  private get succeeded(): number {
    return this.marks.length - 1;
  }
}
