/**
 * What one remote command costs: an exec of `true` on a pooled SSH connection, beside a fresh
 * OpenSSH login per command (the 13 s per remote command tf-test users complained of is mostly
 * logins). Target: pooled median <= 10 ms. Run: `npx tsx bench/ssh.ts`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SshPool } from '../lib/access';
import { run } from '../lib/util/exec';
import { startSshd } from '../tests/framework/support/sshd';
import { median, percentile } from './stats';

const TARGET_MS = 10;
const WARMUP = 20;
const POOLED_RUNS = 200;
const FRESH_RUNS = 10;

async function timeRuns(count: number, once: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  return times;
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

const sshd = await startSshd();
const pool = new SshPool();
process.once('SIGINT', () => void pool.close().finally(() => sshd.stop().finally(() => process.exit(130))));
try {
  const shell = pool.shell(sshd.target);
  const pooledTrue = async (): Promise<void> => {
    const result = await shell.exec(['true']);
    if (result.code !== 0) throw new Error(`true exited ${result.code} on ${shell.name}: ${result.stderr}`);
  };
  await timeRuns(WARMUP, pooledTrue);
  const pooled = await timeRuns(POOLED_RUNS, pooledTrue);

  const knownHosts = join(sshd.dir, 'known_hosts');
  await writeFile(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.target.hostKey}\n`);
  const { username, privateKeyPath } = sshd.target;
  const fresh = await timeRuns(FRESH_RUNS, () =>
    run([
      'ssh', '-F', '/dev/null', '-i', privateKeyPath, '-p', String(sshd.port),
      '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`,
      `${username}@127.0.0.1`, 'true',
    ]),
  );

  const met = median(pooled) <= TARGET_MS;
  console.log(`pooled exec of true (${POOLED_RUNS} runs after ${WARMUP} warm-up): median ${ms(median(pooled))}, p90 ${ms(percentile(pooled, 90))}`);
  console.log(`fresh OpenSSH login per command (${FRESH_RUNS} runs): median ${ms(median(fresh))}`);
  console.log(`target: pooled median <= ${TARGET_MS} ms: ${met ? 'met' : 'MISSED'}`);
  if (!met) process.exitCode = 1;
} finally {
  await pool.close();
  await sshd.stop();
}
