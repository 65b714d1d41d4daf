import { mkdtemp, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { leftovers, labRange, netvet } from '../support/cli';

/** Bad input gets one clear message with the fix, exit code 2, no stack trace, and nothing built. */
async function expectRefused(name: string, args: string[], message: RegExp, fix: RegExp, options: Parameters<typeof netvet>[1] = {}) {
  const result = await netvet(['lab', 'up', '--name', name, ...args], options);
  expect(result.code, result.stdout).toBe(2);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).toMatch(fix);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(await leftovers(name, '')).toEqual([]);
}

test('not root: says so and how to run it', async () => {
  // The process believes it runs as uid 65534 (a real setpriv would need the checkout readable by nobody).
  const notRoot = { ...process.env, NODE_OPTIONS: '--import=data:text/javascript,process.getuid=()=>65534' };
  await expectRefused('pfroot', [], /lab up needs root/, /fix: run it as root/, { env: notRoot });
});

test('a missing program names its Debian package and the setup command', async () => {
  const bin = await mkdtemp(join(tmpdir(), 'netvet-path-'));
  await symlink('/usr/bin/ip', join(bin, 'ip'));
  await expectRefused('pfpkg', [], /missing programs: .*ovn-northd/, /npm run setup.*apt-get install -y .*ovn-central/, { env: { ...process.env, PATH: bin } });
});

test('a malformed profile is reported with file, line and field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'netvet-profile-'));
  const file = join(dir, 'bad.yaml');
  await writeFile(file, 'chassis:\n  compute: three\nencapsulation: mpls\nextra: 1\n');
  const result = await netvet(['lab', 'up', '--name', 'pfprof', '--profile', file]);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain(`${file}:2:12: chassis.compute:`);
  expect(result.stderr).toContain(`${file}:3:16: encapsulation:`);
  expect(result.stderr).toContain(`${file}:4:1: extra: unknown key 'extra'`);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(await leftovers('pfprof', '')).toEqual([]);
});

test('an empty profile and a YAML syntax error are reported with their place', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'netvet-profile-'));
  await writeFile(join(dir, 'empty.yaml'), '');
  await writeFile(join(dir, 'syntax.yaml'), 'chassis:\n  compute: [1, 2\n');
  const empty = await netvet(['lab', 'up', '--name', 'pfempty', '--profile', join(dir, 'empty.yaml')]);
  expect(empty.stderr).toContain('empty.yaml:1:1: the lab profile file is empty');
  const syntax = await netvet(['lab', 'up', '--name', 'pfsyn', '--profile', join(dir, 'syntax.yaml')]);
  expect(syntax.stderr).toMatch(/syntax\.yaml:\d+:\d+: YAML syntax error/);
});

test('a lab name unusable in interface names is refused', async () => {
  await expectRefused('Bad_Name', [], /lab name 'Bad_Name' is not usable/, /1-8 lower-case letters/);
});

test('an address range already in use is refused, the running lab is untouched', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'netvet-profile-'));
  const first = 'pfra';
  expect((await netvet(['lab', 'up', '--name', first])).code).toBe(0);
  const range = labRange(first);
  try {
    await writeFile(join(dir, 'fixed.yaml'), `addressRange: ${range}\n`);
    await expectRefused('pfrb', ['--profile', join(dir, 'fixed.yaml')], new RegExp(`${range.replace(/\./g, '\\.')} is already routed`), /pick another addressRange/);
    expect((await netvet(['lab', 'status', '--name', first])).code).toBe(0);
  } finally {
    await netvet(['lab', 'down', '--name', first]);
  }
  expect(await leftovers(first, range)).toEqual([]);
});
