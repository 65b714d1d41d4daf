import { test as base } from '@playwright/test';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTarget } from '../../../lib/target/load';
import type { Target } from '../../../lib/target/schema';
import { run } from '../../../lib/util/exec';
import { labDirOf, netvet, uniqueLabName } from './cli';

export interface FrameworkLab {
  name: string;
  targetFile: string;
  target: Target;
  /** Runs ovn-nbctl against the lab's northbound DB, as an operator would behind netvet's back. */
  nbctl: (...args: string[]) => Promise<string>;
}

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** How long `lab up` may take (the OpenStack profiles on a busy 2-core machine). */
const LAB_UP_MS = 270_000;

/**
 * A lab of its own per worker, so framework tests never touch a lab the user keeps; a file that
 * needs another lab profile says `test.use({ labProfile: 'topologies/labs/bond.yaml' })`. The lab
 * is temporary, owned by the worker (`netvet` here passes NETVET_LAB_OWNER_PID): after a killed
 * run, `netvet cleanup` takes it down.
 */
export const test = base.extend<object, { lab: FrameworkLab; labProfile: string | undefined }>({
  labProfile: [undefined, { scope: 'worker', option: true }],
  lab: [
    async ({ labProfile }, use, workerInfo) => {
      const name = `${uniqueLabName('fw')}${workerInfo.workerIndex}`;
      // As long as the fixture may take: the Nova profile alone takes ~2 min on a busy machine.
      const up = await netvet(['lab', 'up', '--name', name, ...(labProfile ? ['--profile', labProfile] : [])], { timeoutMs: LAB_UP_MS });
      if (up.code !== 0) {
        await netvet(['lab', 'down', '--name', name]);
        throw new Error(`lab up failed:\n${up.stdout}\n${up.stderr}`);
      }
      const targetFile = `${labDirOf(name)}/target.yaml`;
      const target = await loadTarget(targetFile);
      const nbctl = async (...args: string[]) => (await run(['ovn-nbctl', `--db=${target.ovn!.northbound}`, ...args])).stdout;
      await use({ name, targetFile, target, nbctl });
      await netvet(['lab', 'down', '--name', name]);
    },
    // The OpenStack profile adds a minute or more to `lab up` on a busy 2-core machine.
    { scope: 'worker', timeout: LAB_UP_MS + 60_000 },
  ],
});

export interface ScenarioRun {
  code: number;
  output: string;
}

/**
 * Runs scenarios (Playwright filters: files, `--grep ...`) in a child Playwright against the given target, as CI would.
 * `reporter` replaces the line reporter (e.g. `line,json` with PLAYWRIGHT_JSON_OUTPUT_FILE in `env` to read every result).
 */
/** `reporter` null: the config's own reporters (Allure and the redaction before it), as a user's run has them. */
export function runScenarios(filters: string[], targetFile: string, env: NodeJS.ProcessEnv = {}, project = 'scenarios', reporter: string | null = 'line'): { done: Promise<ScenarioRun>; pid: number } {
  // A folder of its own: Playwright empties its output folder when a run starts, and the parent's is in use.
  const output = mkdtempSync(join(tmpdir(), 'netvet-child-'));
  const child = spawn(process.execPath, [`${ROOT}/node_modules/@playwright/test/cli.js`, 'test', `--project=${project}`, ...filters, ...(reporter ? [`--reporter=${reporter}`] : []), '--workers=1', '--no-deps', `--output=${output}`], {
    cwd: ROOT,
    env: { ...process.env, ...env, NETVET_TARGET: targetFile, NETVET_RUN: undefined, CI: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const done = new Promise<ScenarioRun>((resolve) =>
    child.on('close', (code) => {
      rmSync(output, { recursive: true, force: true });
      resolve({ code: code ?? 137, output: text });
    }),
  );
  return { done, pid: child.pid! };
}

/** Runs ovs-vsctl on a lab host, straight in its namespace as an operator on the host would: behind netvet's back. */
export const vsctlOn = (lab: FrameworkLab, host: string, ...args: string[]) =>
  run(['ovs-vsctl', ...args], { netns: `nv-${lab.name}-${host}`, env: { ...process.env, OVS_RUNDIR: `${labDirOf(lab.name)}/${host}` } });

/** Sets a chassis' encapsulation in its Open vSwitch database (external_ids:ovn-encap-type). */
export const setChassisEncap = (lab: FrameworkLab, chassis: string, encap: string) => vsctlOn(lab, chassis, 'set', 'open_vswitch', '.', `external_ids:ovn-encap-type=${encap}`);

/** Polls until `find` returns something (an object the scenario just built), then returns it. */
export async function whenAppears<T>(find: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('the scenario never built the object to break');
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}
