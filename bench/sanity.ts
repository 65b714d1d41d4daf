/**
 * Benchmark: the @sanity tier against a lab that is already up (wall time of the real Playwright
 * run, 3 runs), and the overhead of one pooled SSH exec on a lab chassis (200 runs after warm-up).
 * Targets: sanity <= 60 s, pooled exec <= 10 ms. Run: npx tsx bench/sanity.ts (brings the lab up).
 */
import { fileURLToPath } from 'node:url';
import { TargetHosts } from '../lib/target/hosts';
import { loadTarget } from '../lib/target/load';
import { run } from '../lib/util/exec';
import { median, percentile, printRow } from './stats';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 3;

await run([process.execPath, `${ROOT}/bin/netvet.js`, 'lab', 'up'], { timeoutMs: 120_000 });

const hosts = new TargetHosts(await loadTarget());
const compute = hosts.withRole('compute')[0].name;
const shell = hosts.shell(compute);
for (let i = 0; i < 20; i++) await shell.exec(['true']);
const execs: number[] = [];
for (let i = 0; i < 200; i++) {
  const start = performance.now();
  await shell.exec(['true']);
  execs.push(performance.now() - start);
}
await hosts.close();
printRow(`pooled SSH exec on ${compute} (p90 ${percentile(execs, 90).toFixed(1)} ms)`, median(execs), 10, execs.slice(0, 10));

const tiers: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const start = performance.now();
  await run([process.execPath, `${ROOT}/node_modules/@playwright/test/cli.js`, 'test', '--project=scenarios', '--grep', '@sanity(\\s|$)', '--reporter=dot'], {
    timeoutMs: 600_000,
    env: { ...process.env, NETVET_RUN: undefined },
  });
  tiers.push(performance.now() - start);
}
printRow('sanity tier, lab up (8 scenarios, 2 workers)', median(tiers), 60_000, tiers);
