import { setTimeout as sleep } from 'node:timers/promises';

/** One look at something the lab waits for: done, how far it got (more is further), what is still missing. */
export interface Look {
  done: boolean;
  reached: number;
  missing: string;
}

export interface Patience {
  /** Fail once this long passes without the thing getting further than it ever got. */
  stallMs: number;
  pollMs: number;
  /** Fail after this long in any case: a thing that keeps flapping is stuck too. */
  capMs?: number;
}

/**
 * Waits while the thing makes progress instead of up to a fixed deadline: on a loaded 2-core
 * machine each step (a Raft member joining, a chassis registering, an sshd answering) may come
 * slowly, but a lab that stops getting further fails after `stallMs`, naming what is missing, as
 * soon as a fixed deadline of that length would have.
 */
export async function waitWhileProgressing(what: string, look: () => Promise<Look>, patience: Patience): Promise<void> {
  const started = Date.now();
  const cap = started + (patience.capMs ?? patience.stallMs * 6);
  let best = -Infinity;
  let lastProgress = started;
  for (;;) {
    const now = await look();
    if (now.done) return;
    if (now.reached > best) {
      best = now.reached;
      lastProgress = Date.now();
    }
    const stalled = Date.now() - lastProgress > patience.stallMs;
    if (stalled || Date.now() > cap) {
      const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
      const why = stalled ? `made no progress for ${seconds(Date.now() - lastProgress)}` : `was still not done after ${seconds(Date.now() - started)}`;
      throw new Error(`${what} ${why}: ${now.missing}`);
    }
    await sleep(patience.pollMs);
  }
}
