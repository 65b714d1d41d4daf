import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import type { Deployment } from '../../../lib/orchestrators';
import { build, openTarget, tearDown, type OpenTarget } from '../../../lib/orchestrators/lifecycle';
import { measurePaths, type PerfPath } from '../../../lib/perf/measure';
import { makeReferencePath } from '../../../lib/perf/reference';
import { resolvePath, runPerformance } from '../../../lib/perf/run';
import { perfSpecOf } from '../../../lib/perf/sla';
import { run } from '../../../lib/util/exec';
import { test, type FrameworkLab } from '../support/lab';

/**
 * The performance tier measures what it says and notices a slower datapath. On a lab of its own,
 * across two chassis (topologies/l2-two-chassis.yaml):
 * - fidelity: netvet's TCP throughput and iperf3 run by hand in the same namespaces, interleaved
 *   in the same run, agree within 10% (medians of 3). The path is held at 50 Mbit/s by a token
 *   bucket on the client chassis' uplink (it carries 130-220 Mbit/s from one 2 s run to the next on
 *   a busy 2-core machine, more than the 10% to be checked): both then measure the same steady path;
 * - a 10 Mbit/s token bucket put on the client chassis' uplink behind netvet's back makes both the
 *   SLA (a ratio to the reference path) and the baseline check of the run before it fail, naming
 *   the metric; the same checks pass on the intact path first.
 */

const SECONDS = 2;

async function acrossHosts(lab: FrameworkLab, body: (open: OpenTarget, deployment: Deployment, path: PerfPath) => Promise<void>): Promise<void> {
  const open = await openTarget(lab.targetFile);
  try {
    const { deployment, journal } = await build(open, 'topologies/l2-two-chassis.yaml', `nvpf${process.pid.toString(36)}-`);
    try {
      await body(open, deployment, resolvePath(deployment, open.hosts, { name: 'across-hosts', from: 'vm1', to: 'vm2' }));
    } finally {
      expect(await tearDown(open.orchestrator, journal)).toEqual([]);
    }
  } finally {
    await open.close();
  }
}

/** The network namespace behind a lab workload's Shell (`ns:<netns>@<host>`), to run tools in it by hand. */
function netnsOf(deployment: Deployment, workload: string): string {
  const netns = deployment.workloads[workload].shell.name.match(/^ns:([^@]+)@/)?.[1];
  if (!netns) throw new Error(`workload ${workload} is not in a lab namespace: ${deployment.workloads[workload].shell.name}`);
  return netns;
}

/** iperf3 by hand: a one-off server in the server's namespace, the client in the client's, straight from the runner. */
async function iperfByHand(deployment: Deployment, from: string, to: string): Promise<number> {
  const address = deployment.workloads[to].ports[0].address;
  await run(['iperf3', '-s', '-1', '-D', '-p', '5301'], { netns: netnsOf(deployment, to) });
  for (let attempt = 1; ; attempt++) {
    const client = await run(['iperf3', '-c', address, '-p', '5301', '-t', String(SECONDS), '--json'], { netns: netnsOf(deployment, from), timeoutMs: 30_000, allowFail: true });
    const report = JSON.parse(client.stdout) as { error?: string; end: { sum_received: { bits_per_second: number } } };
    // The daemonized server may not listen yet.
    if (report.error && attempt < 20) await new Promise((resolve) => setTimeout(resolve, 100));
    else if (report.error) throw new Error(`iperf3 by hand: ${report.error}`);
    else return report.end.sum_received.bits_per_second;
  }
}

/** A token bucket filter on a chassis' uplink, behind netvet's back (tc in the lab host's own namespace); returns its removal. */
async function tokenBucketOnUplink(lab: FrameworkLab, host: string, rate: string): Promise<() => Promise<void>> {
  const uplink = lab.target.hosts.find((h) => h.name === host)!.data!.uplinks[0];
  const netns = `nv-${lab.name}-${host}`;
  await run(['tc', 'qdisc', 'add', 'dev', uplink, 'root', 'tbf', 'rate', rate, 'burst', '32kbit', 'latency', '50ms'], { netns });
  return async () => {
    await run(['tc', 'qdisc', 'del', 'dev', uplink, 'root'], { netns });
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

test("fidelity: netvet's TCP throughput across hosts is within 10% of iperf3 run by hand", async ({ lab }) => {
  await acrossHosts(lab, async (open, deployment, path) => {
    const reference = await makeReferencePath(open.hosts.shell(deployment.workloads.vm1.host), deployment.prefix);
    const removeBucket = await tokenBucketOnUplink(lab, deployment.workloads.vm1.host, '50mbit');
    const [netvet, byHand]: number[][] = [[], []];
    try {
      const plan = { groups: ['tcp'] as const, seconds: SECONDS, repeat: 1, streams: 1, pairs: [1], udpRate: '1M', pings: 1, pingIntervalS: 1 };
      for (let rep = 0; rep < 3; rep++) {
        const [figures] = await measurePaths([path], reference.path, plan);
        netvet.push(figures.figures['tcp.bps'].median);
        byHand.push(await iperfByHand(deployment, 'vm1', 'vm2'));
      }
    } finally {
      await removeBucket();
      await reference.remove();
    }
    const [a, b] = [median(netvet), median(byHand)];
    test.info().annotations.push({ type: 'figures', description: `netvet ${(a / 1e6).toFixed(0)} Mbit/s, by hand ${(b / 1e6).toFixed(0)} Mbit/s` });
    expect(Math.abs(a - b) / b, `netvet ${netvet.map((v) => (v / 1e6).toFixed(0)).join(' ')} vs by hand ${byHand.map((v) => (v / 1e6).toFixed(0)).join(' ')} Mbit/s`).toBeLessThanOrEqual(0.1);
  });
});

test('a 10 Mbit/s bucket on a chassis uplink fails the SLA and the baseline check, naming tcp.bps.ratio', async ({ lab }) => {
  const spec = perfSpecOf(
    ['measure: { groups: [tcp], seconds: 2, repeat: 1, streams: 1, pairs: [1] }', "sla: { '*': [tcp.bps.ratio >= 0.01] }", 'regression: { runs: 3, margin: 0.5, metrics: [tcp.bps.ratio] }'].join('\n'),
    'framework.sla.yaml',
  );
  const resultsDir = mkdtempSync(join(tmpdir(), 'netvet-perf-'));
  try {
    await acrossHosts(lab, async (open, deployment, path) => {
      const context = { hosts: open.hosts, deployment, scenario: 'NV-PERF-900', resultsDir };
      const intact = await runPerformance({ ...context, run: 'intact' }, spec, [path]);
      expect(intact.sla.map((v) => v.message).join('\n'), 'SLA on the intact path').toMatch(/across-hosts: tcp\.bps\.ratio = \S+ meets SLA/);
      expect(intact.regressions, 'no stored run before the first').toEqual([]);

      const removeBucket = await tokenBucketOnUplink(lab, deployment.workloads.vm1.host, '10mbit');
      try {
        const slowed = await runPerformance({ ...context, run: 'slowed' }, spec, [path]);
        expect(slowed.sla.filter((v) => !v.pass).map((v) => v.message)).toEqual([expect.stringMatching(/^across-hosts: tcp\.bps\.ratio = \S+ breaks SLA tcp\.bps\.ratio >= 0\.01$/)]);
        expect(slowed.regressions.filter((v) => !v.pass).map((v) => v.message)).toEqual([expect.stringMatching(/^across-hosts: tcp\.bps\.ratio = \S+ below the noise band .* of the last 1 runs$/)]);
        expect(slowed.results[0].figures['tcp.bps'].median, 'throughput under a 10 Mbit/s bucket').toBeLessThan(12e6);
      } finally {
        await removeBucket();
      }
    });
  } finally {
    rmSync(resultsDir, { recursive: true, force: true });
  }
});
