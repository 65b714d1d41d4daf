import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { runScenarios } from '../support/lab';

/**
 * Through `npx playwright test`, a target that cannot be opened is reported as the CLI reports it:
 * located, with its fix, once for the whole run (not once per test or per worker), and without a
 * stack trace or an excerpt of netvet's own source. No lab is needed: the target is refused first.
 */

const target = (management: string, privateKey: string) =>
  [
    'version: 1',
    'name: broken',
    'orchestrator: ovn-northbound',
    `access: { ssh: { privateKey: ${privateKey} } }`,
    `hosts: [{ name: h1, roles: [compute], management: ${management} }]`,
    'ovn: { northbound: "tcp:10.0.0.1:6641", southbound: "tcp:10.0.0.1:6642" }',
    'encapsulation: { current: geneve, supported: [geneve] }',
    '',
  ].join('\n');

async function targetFile(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'netvet-pw-target-')), 'target.yaml');
  await writeFile(file, text);
  return file;
}

/** How many times `text` occurs in `output`. */
const count = (output: string, text: string) => output.split(text).length - 1;

function expectReportedOnce(colored: string, located: string, fix: string): void {
  // Playwright colours stack frames even into a pipe: read the text without its colour codes.
  const output = colored.replace(/\u001b\[[0-9;]*m/g, '');
  expect(count(output, located), output).toBe(1);
  // The fix follows the located line, as in the CLI.
  expect(output).toMatch(new RegExp(`${located.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^\\n]*\\n\\s+fix: ${fix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  expect(output.split('\n').filter((line) => line.includes('    at ')), 'no stack frames').toEqual([]);
  expect(output).not.toMatch(/^\s*>\s*\d+ \|/m);
}

test('a malformed target file: located, with its fix, once, no stack', async () => {
  const file = await targetFile(target('999.1.1.1', '/nonexistent/key'));
  const { code, output } = await runScenarios(['tests/scenarios/l2/same-network-two-chassis.spec.ts'], file).done;
  expect(code, output).not.toBe(0);
  expectReportedOnce(output, `${file}:5:51: hosts[0].management: '999.1.1.1' is not an IPv4 address`, 'address the runner reaches the host on (SSH)');
  expect(output).toContain('1 failed');
});

test('a missing private key, over several tests: reported once for the run, the other tests point at it', async () => {
  const keys = await mkdtemp(join(tmpdir(), 'netvet-pw-key-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', '', '-f', join(keys, 'present')]);
  const file = await targetFile(target('10.0.0.1', join(keys, 'absent')));
  const { code, output } = await runScenarios(['tests/scenarios/fip'], file).done;
  expect(code, output).not.toBe(0);
  expectReportedOnce(output, `${file}: access.ssh.privateKey: no private key at ${join(keys, 'absent')}`, 'set access.ssh.privateKey in the target file');
  expect(output).toContain('4 failed');
  expect(count(output, `the target ${file} cannot be opened`)).toBe(3);
});

test('no target file at all: located, with its fix, once', async () => {
  const file = join(await mkdtemp(join(tmpdir(), 'netvet-pw-target-')), 'missing.yaml');
  const { code, output } = await runScenarios(['tests/scenarios/l2/same-network-two-chassis.spec.ts'], file).done;
  expect(code, output).not.toBe(0);
  expectReportedOnce(output, `no target file at ${file}`, 'point NETVET_TARGET at an existing target file');
});
