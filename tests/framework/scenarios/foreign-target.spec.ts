import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { TargetHosts } from '../../../lib/target/hosts';
import { loadTarget } from '../../../lib/target/load';
import { run } from '../../../lib/util/exec';
import { foreignLeftovers, foreignOvnDown, foreignOvnUp, operatorTarget, sweepForeignOvns, type ForeignOvn } from '../support/foreign-ovn';
import { netvet } from '../support/cli';
import { runScenarios } from '../support/lab';

/**
 * netvet on a cloud it did not build: an operator-style OVN deployment (standalone NB/SB, chassis
 * named by random system-ids, hostnames and interfaces unlike the lab's, the runner routed to the
 * provider network) described by the operator's own target file. The goal: every @sanity scenario
 * passes on it, and every other @regression scenario passes or skips with the reason.
 */

interface ScenarioResult {
  id: string;
  tags: string[];
  title: string;
  status: string;
  /** The first line of the first error, or the reason of a skip. */
  detail: string;
}

interface JsonTest {
  annotations: Array<{ type: string; description?: string }>;
  results: Array<{ status: string; errors: Array<{ message?: string }>; annotations?: Array<{ type: string; description?: string }> }>;
}
interface JsonSuite {
  file?: string;
  suites?: JsonSuite[];
  specs?: Array<{ title: string; file: string; tags: string[]; tests: JsonTest[] }>;
}

/** Every scenario of a Playwright JSON report, with its id, status and first error line or skip reason. */
function scenarioResults(report: { suites: JsonSuite[] }): ScenarioResult[] {
  const found: ScenarioResult[] = [];
  const walk = (suite: JsonSuite) => {
    for (const spec of suite.specs ?? []) {
      for (const t of spec.tests) {
        const last = t.results.at(-1);
        const annotations = [...t.annotations, ...(last?.annotations ?? [])];
        const status = last?.status ?? 'skipped';
        const firstError = last?.errors.find((e) => e.message)?.message ?? '';
        const plain = firstError.replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim()) ?? '';
        found.push({
          id: annotations.find((a) => a.type === 'id')?.description ?? spec.file,
          // Playwright's JSON report drops the '@' of tags in some versions.
          tags: spec.tags.map((tag) => tag.replace(/^@/, '')),
          title: spec.title,
          status,
          detail: status === 'skipped' ? annotations.find((a) => a.type === 'skip')?.description ?? '' : plain.trim(),
        });
      }
    }
    (suite.suites ?? []).forEach(walk);
  };
  report.suites.forEach(walk);
  return found;
}

test.describe.configure({ mode: 'serial' });

let deployment: ForeignOvn | undefined;

test.beforeAll(async () => {
  // A killed earlier run left its deployment: its owner is gone, so it is removed first.
  await sweepForeignOvns();
});

test.afterAll(async () => {
  if (!deployment) return;
  const d = deployment;
  deployment = undefined;
  await foreignOvnDown(d.dir);
  expect(await foreignLeftovers(d)).toEqual([]);
});

test('sanity and regression tiers on an operator-style OVN deployment netvet did not build', async ({}, testInfo) => {
  // Up in seconds; the tier in a child run on a busy 2-core machine takes minutes.
  test.setTimeout(25 * 60_000);
  deployment = await foreignOvnUp((line) => testInfo.annotations.push({ type: 'progress', description: line }));
  const d = deployment;

  // What makes it foreign: no Raft, chassis named by UUIDs, not by host names.
  const chassis = (await run(['ovn-sbctl', `--db=${d.southbound}`, '--bare', '--columns=name', 'list', 'Chassis'])).stdout.split('\n').filter(Boolean);
  expect(chassis.sort()).toEqual(d.chassis.map((c) => c.systemId).sort());
  expect(chassis.every((name) => /^[0-9a-f-]{36}$/.test(name))).toBe(true);

  // The operator's file, as they wrote it; the schema accepts it as it is.
  const targetFile = testInfo.outputPath('pod1-ovn.yaml');
  await writeFile(targetFile, await operatorTarget(d));
  await testInfo.attach('operator target file', { path: targetFile, contentType: 'text/yaml' });
  const target = await loadTarget(targetFile);
  expect(target.ovn?.northboundCluster).toEqual([]);

  // netvet reaches every host of the file over SSH with the operator's key, and the runner reaches
  // the provider network only through its router, as the operator's jump host does.
  const hosts = new TargetHosts(target);
  try {
    const names = await Promise.all(target.hosts.map(async (h) => (await hosts.shell(h.name).exec(['hostname'])).stdout.trim()));
    expect(names).toEqual(target.hosts.map((h) => `${h.name}.pod1.example.net`));
  } finally {
    await hosts.close();
  }
  expect((await run(['ip', 'route', 'get', d.provider.gateway])).stdout).toContain(`via ${d.router.management}`);

  // From "I have an OVN cloud" to a target file: netvet finds the rest from the databases and SSH.
  const found = testInfo.outputPath('pod1-found.yaml');
  const inventory = [d.control, ...d.chassis, d.external].flatMap((h) => ['--host', `${h.name}=${h.management}`]);
  const init = await netvet([
    'target', 'init', '--nb', d.northbound, '--sb', d.southbound, '--ssh-key', d.privateKey, ...inventory,
    '--external-cidr', d.provider.cidr, '--external-gateway', d.provider.gateway, '--name', 'pod1-found', '--output', found,
  ]);
  expect(init.code, init.stderr).toBe(0);
  await testInfo.attach('target init output', { body: init.stdout, contentType: 'text/plain' });
  await testInfo.attach('target file found by target init', { path: found, contentType: 'text/yaml' });
  const discovered = await loadTarget(found);
  const roles = (t: typeof discovered) => Object.fromEntries(t.hosts.map((h) => [h.name, h.roles]));
  expect(roles(discovered)).toEqual(roles(target));
  // The chassis' tunnels run on eth1 under br-eth1, as on the hosts; no Raft, one northd.
  for (const c of d.chassis) expect(discovered.hosts.find((h) => h.name === c.name)?.data?.address).toBe(c.tunnel);
  expect(discovered.ovn).toMatchObject({ northboundCluster: [], southboundCluster: [], northd: ['ctrl-01'] });
  const check = await netvet(['target', 'check', '--target', found]);
  expect(check.code, check.stdout).toBe(0);

  // @sanity scenarios are all @regression scenarios too: one child run gives both tiers.
  const report = testInfo.outputPath('regression.json');
  const child = runScenarios(['--grep', '@regression(\\s|$)'], found, { PLAYWRIGHT_JSON_OUTPUT_FILE: report }, 'scenarios', 'line,json');
  let result;
  try {
    result = await child.done;
  } finally {
    // A timed-out test leaves no child run behind (it runs in its own process group).
    if (!result) process.kill(-child.pid, 'SIGKILL');
  }
  await testInfo.attach('child run output', { body: result.output, contentType: 'text/plain' });
  expect(existsSync(report), `the child run wrote no JSON report:\n${result.output}`).toBe(true);
  const results = scenarioResults(JSON.parse(readFileSync(report, 'utf8')) as { suites: JsonSuite[] });
  await testInfo.attach('regression results', { body: results.map((r) => `${r.id} ${r.status}: ${r.detail}`).join('\n'), contentType: 'text/plain' });

  const sanity = results.filter((r) => r.tags.includes('sanity'));
  expect(sanity.length, result.output).toBeGreaterThanOrEqual(8);
  for (const r of sanity) expect.soft(r.status, `@sanity ${r.id} (${r.title}): ${r.detail}`).toBe('passed');
  for (const r of results.filter((x) => !x.tags.includes('sanity'))) {
    if (r.status === 'skipped') expect.soft(r.detail, `${r.id} (${r.title}) skipped without a reason`).not.toBe('');
    else expect.soft(r.status, `${r.id} (${r.title}): ${r.detail}`).toBe('passed');
  }
});
