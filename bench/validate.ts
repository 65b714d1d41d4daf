/**
 * What validating a large topology costs: 5,000 networks in one tenant (each /24 apart, so the
 * subnet overlap check sees every block), parsed, checked and planned as `netvet topology validate`
 * does. The overlap check used to compare every pair (44 s at this size); it now sweeps the blocks
 * in address order. Target: median <= 2000 ms. Run: `npx tsx bench/validate.ts`.
 */
import { performance } from 'node:perf_hooks';
import { parseTopology } from '../lib/topology';
import { median, printRow } from './stats';

const NETWORKS = 5000;
const RUNS = 7;
const TARGET_MS = 2000;

const text = ['networks:', ...Array.from({ length: NETWORKS }, (_, i) => `  - { name: n${i}, subnets: [{ cidr: 10.${i >> 8}.${i & 255}.0/24 }] }`)].join('\n');
const times: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const topology = parseTopology(text, 'bench.yaml');
  times.push(performance.now() - started);
  if (topology.networks.length !== NETWORKS) throw new Error(`planned ${topology.networks.length} networks, not ${NETWORKS}`);
}
printRow(`validate a ${NETWORKS}-network topology (${(text.length / 1024).toFixed(0)} KiB)`, median(times), TARGET_MS, times);
