import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { run } from '../../../lib/util/exec';
import { allureLabels } from '../../../lib/report/allure-labels';

/** Allure's behaviours and severity come from a scenario's tags and stable id: the cheapest tier that runs it sets the severity. */

test('behaviours by feature and scenario id, severity from the tier', () => {
  expect(allureLabels('router joins two networks', ['@sanity', '@regression', '@l3'], [{ type: 'id', description: 'NV-L3-001' }])).toEqual([
    { name: 'epic', value: '@sanity' },
    { name: 'feature', value: '@l3' },
    { name: 'story', value: 'NV-L3-001 router joins two networks' },
    { name: 'severity', value: 'blocker' },
    { name: 'ALLURE_ID', value: 'NV-L3-001' },
  ]);
  expect(allureLabels('dashboard login', ['@gui', '@regression', '@tenancy'], [{ type: 'id', description: 'NV-GUI-001' }]).find((l) => l.name === 'severity')).toEqual({ name: 'severity', value: 'critical' });
  expect(allureLabels('flows spread', ['@perf', '@ecmp', '@sg'], [])).toEqual([
    { name: 'epic', value: '@perf' },
    { name: 'feature', value: '@sg' },
    { name: 'feature', value: '@ecmp' },
    { name: 'story', value: 'flows spread' },
    { name: 'severity', value: 'normal' },
  ]);
});

/**
 * The report's categories (allurerc.js), on a report Allure builds from results of each kind: a
 * target that was not fit to test, a wrong verdict (a failed expectation) and netvet itself broken
 * each land in their own category, read back from the built report's own data.
 */
test('categories: an unhealthy target, a wrong verdict and a netvet error each land in their own', async () => {
  const reports = await mkdtemp(join(tmpdir(), 'netvet-allure-'));
  try {
    const results = join(reports, 'allure-results');
    await mkdir(results);
    const kinds = { 'unhealthy target': ['failed', "target 'lab1' is unhealthy: no ovn-northd is active"], 'product failure: wrong verdict': ['failed', 'expected allow, observed deny'], 'netvet error': ['broken', 'TypeError: x is undefined'] };
    for (const [status, message] of Object.values(kinds)) {
      const uuid = randomUUID();
      await writeFile(
        join(results, `${uuid}-result.json`),
        JSON.stringify({ uuid, historyId: uuid, name: message, fullName: message, status, statusDetails: { message }, stage: 'finished', start: 1, stop: 2, labels: [], steps: [], attachments: [], parameters: [], links: [] }),
      );
    }
    const generate = await run([process.execPath, 'node_modules/allure/cli.js', 'generate', '--config', 'allurerc.js'], {
      env: { ...process.env, NETVET_REPORTS_DIR: reports, NETVET_ALLURE_HISTORY: join(reports, 'history.jsonl') },
      allowFail: true,
      timeoutMs: 120_000,
    });
    expect(generate.code, generate.stderr).toBe(0);
    // The single-file report carries its widgets' data base64-encoded.
    const html = await readFile(join(reports, 'allure-report', 'index.html'), 'utf8');
    const encoded = /d\("widgets\/categories\.json","([^"]+)"\)/.exec(html)?.[1];
    expect(encoded, 'the report has a categories widget').toBeDefined();
    const tree = JSON.parse(Buffer.from(encoded!, 'base64').toString('utf8')) as { roots: string[]; nodes: Record<string, { name: string; childrenIds?: string[] }> };
    const categories = Object.fromEntries(tree.roots.map((id) => [tree.nodes[id].name, (tree.nodes[id].childrenIds ?? []).map((child) => tree.nodes[child].name)]));
    expect(categories).toEqual(Object.fromEntries(Object.entries(kinds).map(([category, [, message]]) => [category, [message]])));
  } finally {
    await rm(reports, { recursive: true, force: true });
  }
});
