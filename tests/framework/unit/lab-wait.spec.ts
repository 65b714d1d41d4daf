import { expect, test } from '@playwright/test';
import { waitWhileProgressing, type Look } from '../../../lib/lab/wait';

/**
 * `lab up` waits while the lab makes progress: a slow lab that keeps getting further is waited
 * for well past the stall window; one that stops getting further fails after that window, naming
 * what is missing; one that seems to get further forever fails at the cap.
 */
const clock = () => {
  const start = Date.now();
  return () => Date.now() - start;
};

test('a slow lab that keeps getting further is waited for past the stall window', async () => {
  const elapsed = clock();
  let joined = 0;
  // One member more every 60 ms, 10 members: about 600 ms, six stall windows of 100 ms.
  const look = (): Promise<Look> => Promise.resolve({ done: ++joined >= 10, reached: joined, missing: `${joined}/10 joined` });
  await waitWhileProgressing('the cluster', look, { stallMs: 100, pollMs: 60 });
  expect(joined).toBe(10);
  expect(elapsed()).toBeGreaterThan(400);
});

test('a lab that stops getting further fails after the stall window, naming what is missing', async () => {
  const elapsed = clock();
  let polls = 0;
  const look = (): Promise<Look> => Promise.resolve({ done: false, reached: Math.min(++polls, 2), missing: '2/3 members joined (ctl3 does not answer)' });
  await expect(waitWhileProgressing('the OVN_Southbound cluster', look, { stallMs: 200, pollMs: 20 })).rejects.toThrow(
    /^the OVN_Southbound cluster made no progress for \d+ s: 2\/3 members joined \(ctl3 does not answer\)$/,
  );
  expect(elapsed()).toBeGreaterThanOrEqual(200);
  expect(elapsed()).toBeLessThan(1500);
});

test('a lab that seems to get further forever fails at the cap', async () => {
  const elapsed = clock();
  let polls = 0;
  // Each poll beats the best so far, so it never stalls; only the cap stops it.
  const look = (): Promise<Look> => Promise.resolve({ done: false, reached: ++polls, missing: 'chassis ch2 is not registered' });
  await expect(waitWhileProgressing('the lab', look, { stallMs: 100, pollMs: 20, capMs: 300 })).rejects.toThrow(/^the lab was still not done after \d+ s: chassis ch2 is not registered$/);
  expect(elapsed()).toBeGreaterThanOrEqual(300);
  expect(elapsed()).toBeLessThan(1500);
});
