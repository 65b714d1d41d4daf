/**
 * Benchmark: the vCenter lab from `netvet lab up --profile topologies/labs/vmware.yaml` to the
 * first `govc about` that answers against it (vcsim and govc already built by `netvet setup
 * --vmware`), and its `lab down`; prints medians. Target (issue 13): govc answers <= 20 s.
 *   npx tsx bench/vmware.ts [RUNS]
 */
import { fileURLToPath } from 'node:url';
import { GOVC } from '../lib/lab/integrations/vmware/build';
import { run } from '../lib/util/exec';
import { stateRoot } from '../lib/util/state';
import { median, printRow } from './stats';

const NETVET = fileURLToPath(new URL('../bin/netvet.js', import.meta.url));
const PROFILE = fileURLToPath(new URL('../topologies/labs/vmware.yaml', import.meta.url));
const RUNS = Number(process.argv[2] ?? 5);
const name = `vcb${process.pid.toString(36).slice(-3)}`;
const credentials = `${stateRoot()}/labs/${name}/vcenter.env`;

const untilGovc: number[] = [];
const down: number[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run([process.execPath, NETVET, 'lab', 'up', '--name', name, '--profile', PROFILE], { timeoutMs: 300_000 });
    // govc reads the lab's credentials file as a shell would source it.
    await run(['sh', '-c', `set -a && . "$1" && exec "$2" about`, 'sh', credentials, GOVC], { timeoutMs: 20_000 });
    untilGovc.push(performance.now() - start);
    const stop = performance.now();
    await run([process.execPath, NETVET, 'lab', 'down', '--name', name], { timeoutMs: 120_000 });
    down.push(performance.now() - stop);
  }
} finally {
  await run([process.execPath, NETVET, 'lab', 'down', '--name', name], { allowFail: true });
}
printRow('lab up (vmware profile) until govc about answers', median(untilGovc), 20_000, untilGovc);
printRow('lab down (vmware profile)', median(down), 5_000, down);
