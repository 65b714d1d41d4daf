import { spawn } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { identify, stillRunning } from '../../../lib/util/process-identity';

/**
 * What temporary labs and recorded encapsulation switches are owned by: a process known by PID and
 * start time, so a PID the kernel reuses for another process does not pass for the owner.
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
