import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { RunJournal } from '../../../lib/orchestrators';
import { loadTopology } from '../../../lib/topology';
import { appendSynced } from '../../../lib/util/jsonl';
import { identify, stillRunning } from '../../../lib/util/process-identity';
import { netvet } from '../support/cli';
import { withStateDir } from '../support/state';

/**
 * What temporary labs, recorded encapsulation switches and run journals are owned by: a process
 * known by PID and start time, so a PID the kernel reuses for another process does not pass for the owner.
 */
test('a process identity holds while that process runs, and not for another process on the same PID', async () => {
  const me = identify(process.pid);
  expect(stillRunning(me)).toBe(true);
  // The same PID started at another time is another process.
  expect(stillRunning({ ...me, started: me.started - 1 })).toBe(false);

  const child = spawn('sleep', ['30']);
  const gone = new Promise((resolve) => child.on('exit', resolve));
  const theirs = identify(child.pid!);
  expect(theirs.started).toBeGreaterThanOrEqual(me.started);
  expect(stillRunning(theirs)).toBe(true);
  child.kill('SIGKILL');
  await gone;
  expect(stillRunning(theirs)).toBe(false);
  expect(() => identify(child.pid!)).toThrow(`no process ${child.pid} is running on this machine`);
});

/**
 * Run journals name their run the same way: a journal whose PID now belongs to another process is a
 * dead run's, and `netvet cleanup` removes it; one written before journals recorded the start time
 * still goes by its PID alone.
 */
test('netvet cleanup removes a deployment whose run PID was reused, and keeps the running one and PID-only ones whose PID lives', async () => {
  await withStateDir(async (state) => {
    // A target that no longer exists: cleanup removes only the journal and touches no target.
    const targetFile = join(state, 'gone', 'target.yaml');
    const running = RunJournal.create('nvt0-', { targetFile, orchestrator: 'ovn-northbound', topologyFile: resolve('topologies/security-group.yaml'), plan: await loadTopology('topologies/security-group.yaml') });
    const header = running.header()!;
    expect(header.owner).toEqual(identify(process.pid));
    const reused = new RunJournal('nvt1-');
    appendSynced(reused.file, { ...header, prefix: reused.prefix, owner: { ...header.owner!, started: header.owner!.started - 1 } });
    const pidOnly = new RunJournal('nvt2-');
    appendSynced(pidOnly.file, { ...header, prefix: pidOnly.prefix, owner: undefined });

    const cleanup = await netvet(['cleanup'], { env: { ...process.env } });
    expect(cleanup.code, cleanup.stderr).toBe(0);
    expect(cleanup.stdout).toBe(`removed nvt1- (run ${process.pid} is gone; its target ${targetFile} no longer exists)\n1 deployment cleaned up\n`);
    expect([running, reused, pidOnly].map((j) => existsSync(j.file))).toEqual([true, false, true]);
  });
});
