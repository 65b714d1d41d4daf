import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { leftovers, labRange, NETVET, netvet, uniqueLabName } from '../support/cli';

/** The environment of a user at a shell: labs brought up with it have no owner. */
const byHandEnv = { ...process.env, NETVET_LAB_OWNER_PID: undefined };

/**
 * A lab brought up for a process (`lab up --owner-pid`) is temporary:
 * - `lab status` names its owner; while the owner runs, `cleanup --dry-run` does not list the lab
 *   and `cleanup --all --dry-run` does;
 * - once the owner is SIGKILLed, `cleanup` takes it down and nothing of it is left (namespaces,
 *   links, the fence route, processes, its folder);
 * - a lab brought up by hand beside it is never listed, and stays healthy.
 */
test('cleanup takes down a temporary lab once its owner is killed, never a lab brought up by hand', async () => {
  const [temporary, byHand] = [uniqueLabName('tl'), uniqueLabName('th')];
  // The owner brings the lab up for itself, then stays as `sleep` (exec: same PID, same start time).
  const owner = spawn('sh', ['-c', `"${process.execPath}" "${NETVET}" lab up --name ${temporary} --owner-pid $$ && exec sleep 300`], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: byHandEnv });
  const ownerUp = new Promise<void>((resolve, reject) => {
    let out = '';
    owner.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('target file:')) resolve();
    });
    owner.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    owner.on('exit', () => reject(new Error(`the owner ended before its lab was up:\n${out}`)));
  });
  const ownerGone = new Promise((resolve) => owner.on('exit', resolve));
  const [, handUp] = await Promise.all([ownerUp, netvet(['lab', 'up', '--name', byHand], { env: byHandEnv })]);
  const ranges = [labRange(temporary), labRange(byHand)];
  try {
    expect(handUp.code, handUp.stdout + handUp.stderr).toBe(0);
    expect((await netvet(['lab', 'status', '--name', temporary])).stdout).toContain(`temporary: owned by process ${owner.pid}\n`);
    expect((await netvet(['lab', 'status', '--name', byHand])).stdout).not.toContain('temporary');

    await test.step('while its owner runs, only --all lists it', async () => {
      expect((await netvet(['cleanup', '--dry-run'])).stdout).not.toContain(`lab '${temporary}'`);
      const all = (await netvet(['cleanup', '--all', '--dry-run'])).stdout;
      expect(all).toContain(`would take down temporary lab '${temporary}' (its owner, process ${owner.pid}, still runs)`);
      expect(all).not.toContain(`lab '${byHand}'`);
    });

    process.kill(-owner.pid!, 'SIGKILL');
    await ownerGone;
    await test.step('once its owner is gone, cleanup takes it down, and only it', async () => {
      const cleanup = await netvet(['cleanup']);
      expect(cleanup.code, cleanup.stdout + cleanup.stderr).toBe(0);
      expect(cleanup.stdout).toContain(`took down temporary lab '${temporary}' (its owner, process ${owner.pid}, is gone)`);
      expect(cleanup.stdout).not.toContain(`lab '${byHand}'`);
      expect(await leftovers(temporary, ranges[0])).toEqual([]);
      expect((await netvet(['lab', 'status', '--name', byHand])).code).toBe(0);
    });
  } finally {
    if (owner.exitCode === null && owner.signalCode === null) process.kill(-owner.pid!, 'SIGKILL');
    await Promise.all([temporary, byHand].map((name) => netvet(['lab', 'down', '--name', name])));
  }
  expect(await leftovers(byHand, ranges[1])).toEqual([]);
});

test('lab up refuses an owner that is not a running process, before making anything', async () => {
  const name = uniqueLabName('tn');
  const up = await netvet(['lab', 'up', '--name', name, '--owner-pid', '999999999']);
  expect(up.code).toBe(2);
  expect(up.stderr).toContain('no process 999999999 is running on this machine');
  expect(await leftovers(name, '')).toEqual([]);
});
