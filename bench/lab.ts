/**
 * Benchmark: `netvet lab up` and `netvet lab down`, wall time of the real command; prints medians.
 * Default profile, 5 runs: targets up <= 10 s, down <= 3 s on a 2-core machine. Other profiles
 * against 60 s / 5 s (the BGP VPN profile's target in issue 14: up <= 60 s with BaGPipe's start;
 * the OpenStack ones have none), with fewer runs:
 *   npx tsx bench/lab.ts [PROFILE [RUNS]]    e.g. npx tsx bench/lab.ts topologies/labs/bgpvpn.yaml 3
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../lib/util/exec';
import { median, printRow } from './stats';

const NETVET = fileURLToPath(new URL('../bin/netvet.js', import.meta.url));
const [profile, runsArg] = process.argv.slice(2);
const RUNS = Number(runsArg ?? 5);
const name = `bench${process.pid.toString(36).slice(-3)}`;
const [upTarget, downTarget] = profile ? [60_000, 5_000] : [10_000, 3_000];

async function timed(args: string[]): Promise<number> {
  const start = performance.now();
  await run([process.execPath, NETVET, ...args], { timeoutMs: 300_000 });
  return performance.now() - start;
}

const up: number[] = [];
const down: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    up.push(await timed(['lab', 'up', '--name', name, ...(profile ? ['--profile', profile] : [])]));
    down.push(await timed(['lab', 'down', '--name', name]));
  }
} finally {
  await run([process.execPath, NETVET, 'lab', 'down', '--name', name], { allowFail: true });
}
printRow(`lab up (${profile ? basename(profile, '.yaml') : 'default'} profile)`, median(up), upTarget, up);
printRow('lab down', median(down), downTarget, down);
