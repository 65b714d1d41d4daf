/** A shard recording into the ledger, as its own process: URL BUILD SHARD RUNS RESULTS. Run by support/ledger.ts. */
import { openLedger } from '../../../lib/ledger/open';
import { result, sampleRun } from './ledger';

const [url, build, shard, runs, results] = process.argv.slice(2);
const ledger = await openLedger(url, 'argv');
for (let i = 0; i < Number(runs); i++) {
  await ledger.recordRun(sampleRun(build, { shard, results: Array.from({ length: Number(results) }, (_, j) => result(`NV-S${shard.replace('/', '')}-${i}-${j}`, 'passed')) }));
}
await ledger.close();
