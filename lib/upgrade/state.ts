import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Target } from '../target/schema';
import type { MonitorKind, MonitorPlacement } from '../traffic/monitor';
import { NetvetError } from '../util/errors';
import type { UpgradeStep } from '../sdn/types';
import { stateRoot } from '../util/state';

/**
 * What `upgrade pre` leaves for `upgrade run` and `upgrade post`, which may run in other processes
 * (hours later, from CI steps): the target, the kept deployment's prefix, and where each background
 * monitor runs.
 */
export interface UpgradeState {
  version: 1;
  targetFile: string;
  topology: string;
  /** The kept deployment (its run journal is `<prefix>.jsonl`). */
  prefix: string;
  startedAt: string;
  /** `far`: the endpoint whose shell runs a UDP monitor's reflector. */
  monitors: Array<{ from: string; to: string; far?: string; kind: MonitorKind; placement: MonitorPlacement }>;
  upgrade?: { procedure: string; startedAt: string; finishedAt: string; steps: UpgradeStep[] };
}

export function defaultStateFile(target: Target): string {
  return join(stateRoot(), 'upgrade', `${target.name}.json`);
}

export function writeState(file: string, state: UpgradeState): void {
  mkdirSync(dirname(file), { recursive: true });
  // Written aside and renamed, so a crash never leaves half a state file.
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function readState(file: string): UpgradeState {
  if (!existsSync(file)) throw new NetvetError(`no upgrade in progress: ${file} does not exist`, "start one with 'netvet upgrade pre'");
  const state = JSON.parse(readFileSync(file, 'utf8')) as UpgradeState;
  if (state.version !== 1) throw new NetvetError(`${file} is not an upgrade state file netvet wrote`, 'pass the file `netvet upgrade pre` wrote (--state)');
  return state;
}

export function removeState(file: string): void {
  rmSync(file, { force: true });
}
