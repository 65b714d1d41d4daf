import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';

/**
 * A scenario catalog problem (an unknown `requires`, an unregistered tag, no stable id) fails
 * `playwright test --list` itself, through netvet's own Playwright config, before any target is
 * opened: a misspelt requirement can never skip its scenario on every target unnoticed.
 */
const ROOT = fileURLToPath(new URL('../../..', import.meta.url)).replace(/\/$/, '');

async function listScenarios(spec: string): Promise<{ code: number; output: string }> {
  // The project's real config with one scenarios folder of our own: its reporters are the ones a user gets.
  const dir = await mkdtemp(join(tmpdir(), 'netvet-catalog-'));
  try {
    await writeFile(join(dir, 'one.spec.ts'), spec);
    // ES modules, as netvet's own files are.
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
    await writeFile(
      join(dir, 'playwright.config.ts'),
      [
        `import base from '${ROOT}/playwright.config';`,
        // Its reporters resolved from the checkout; Allure left out, so the real results folder is untouched.
        "const reporter = (base.reporter as [string, unknown?][]).filter(([name]) => name !== 'allure-playwright')",
        `  .map(([name, options]) => [name.startsWith('.') ? '${ROOT}/' + name : name, options]);`,
        `export default { ...base, reporter, testDir: '${dir}', projects: [{ name: 'scenarios', testDir: '${dir}' }] };`,
        '',
      ].join('\n'),
    );
    const result = await promisify(execFile)(process.execPath, [`${ROOT}/node_modules/@playwright/test/cli.js`, 'test', '--list', `--config=${dir}/playwright.config.ts`], { cwd: ROOT, env: { ...process.env, CI: '' } }).then(
      (r) => ({ code: 0, output: r.stdout + r.stderr }),
      (e: { code?: number; stdout: string; stderr: string }) => ({ code: e.code ?? 1, output: e.stdout + e.stderr }),
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const scenario = (requires: string) =>
  [
    `import { test } from '${ROOT}/fixtures';`,
    `test('one', { tag: ['@sanity'], annotation: [{ type: 'id', description: 'NV-CAT-001' }, { type: 'requires', description: '${requires}' }] }, async () => {});`,
    '',
  ].join('\n');

test('a misspelt requires fails the listing, naming the scenario and the capability it likely meant', async () => {
  const listed = await listScenarios(scenario('encap:vxaln'));
  expect(listed.code, listed.output).not.toBe(0);
  expect(listed.output).toMatch(/scenario catalog: .*one\.spec\.ts:2 one: .*encap:vxaln.*encap:vxlan/);
});

test('a scenario whose catalog is right is listed, and the listing passes', async () => {
  const listed = await listScenarios(scenario('encap:vxlan'));
  expect(listed.code, listed.output).toBe(0);
  expect(listed.output).toContain('one.spec.ts:2:1 › one');
  expect(listed.output).not.toContain('scenario catalog');
});
