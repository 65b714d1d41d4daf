/**
 * Benchmark: `netvet lab up` and `netvet lab down` of the default profile, wall time of the real
 * command, 5 runs each; prints medians. Targets: up <= 10 s, down <= 3 s on a 2-core machine.
 * Run: npx tsx bench/lab.ts
 */
import { fileURLToPath } from 'node:url';
import { run } from '../lib/util/exec';
import { median, printRow } from './stats';

const NETVET = fileURLToPath(new URL('../bin/netvet.js', import.meta.url));
const RUNS = 5;
const name = `bench${process.pid.toString(36).slice(-3)}`;

async function timed(args: string[]): Promise<number> {
  const start = performance.now();
  await run([process.execPath, NETVET, ...args], { timeoutMs: 120_000 });
  return performance.now() - start;
}

const up: number[] = [];
const down: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    up.push(await timed(['lab', 'up', '--name', name]));
    down.push(await timed(['lab', 'down', '--name', name]));
  }
} finally {
  await run([process.execPath, NETVET, 'lab', 'down', '--name', name], { allowFail: true });
}
printRow('lab up (default profile)', median(up), 10_000, up);
printRow('lab down', median(down), 3_000, down);
