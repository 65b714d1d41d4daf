import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs `body` with netvet's state (run journals, labs) in a folder of its own, removed after, and
 * NETVET_STATE_DIR put back as it was: unset stays unset (assigning undefined to process.env would
 * set the string "undefined", and every later lab of the worker would live under ./undefined).
 */
export async function withStateDir<T>(body: (state: string) => Promise<T>): Promise<T> {
  const saved = process.env.NETVET_STATE_DIR;
  const state = await mkdtemp(join(tmpdir(), 'netvet-state-'));
  try {
    process.env.NETVET_STATE_DIR = state;
    return await body(state);
  } finally {
    if (saved === undefined) delete process.env.NETVET_STATE_DIR;
    else process.env.NETVET_STATE_DIR = saved;
    await rm(state, { recursive: true, force: true });
  }
}
