import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { expect, test, type TestInfo } from '@playwright/test';
import { RunJournal } from '../../../lib/orchestrators/journal';
import { loadTopology } from '../../../lib/topology';
import { run, type ExecResult } from '../../../lib/util/exec';
import { NETVET, netvet } from '../support/cli';
import { withStateDir } from '../support/state';

/**
 * Malformed inputs through the real command, as a user meets them: a non-zero exit, one located
 * message naming the file, the place and the fix, no stack trace, nothing left behind, and never
 * a hang. Each run's time is attached as an annotation (measured, not asserted: the machine is shared).
 */

async function file(content: string | Buffer, name = 'input.yaml'): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'netvet-cli-bad-')), name);
  await writeFile(path, content);
  return path;
}

/** Runs netvet, records how long it took, and checks the refusal's shape: exit, location, fix, no stack, no raw control characters. */
async function refused(testInfo: TestInfo, args: string[], where: string, env?: NodeJS.ProcessEnv): Promise<string> {
  const started = performance.now();
  // A FIFO or a huge file must not hold the command: well under this, or the test fails.
  const result = await netvet(args, { timeoutMs: 30_000, env });
  testInfo.annotations.push({ type: 'duration', description: `netvet ${args[0]} ${args[1]}: ${Math.round(performance.now() - started)} ms` });
  return shape(result, where);
}

function shape(result: ExecResult, where: string): string {
  expect(result.code, result.stdout + result.stderr).not.toBe(0);
  expect(result.stdout).not.toContain(': ok');
  const output = result.stderr;
  expect(output).not.toMatch(/\n\s+at /);
  expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
  expect(output.split('\n').filter((l) => l.includes(where)), output).toHaveLength(1);
  expect(output).toContain('\n  fix: ');
  return output;
}

const validate = (path: string) => ['topology', 'validate', path];

test('topology validate: a 10 MB file is refused at once, with its size and the fix', async ({}, testInfo) => {
  const path = await file(`networks:\n${'  - { name: n, subnets: [{ cidr: 10.0.0.0/24 }] }\n'.repeat(200_000)}`);
  expect(await refused(testInfo, validate(path), `${path}: is `)).toContain('over the 1 MiB netvet reads\n  fix: check that this is the topology file you meant');
});

test('topology validate: 5,000 networks are checked without a quadratic stall', async ({}, testInfo) => {
  const lines = ['networks:', ...Array.from({ length: 5000 }, (_, i) => `  - { name: n${i}, subnets: [{ cidr: 10.${i >> 8}.${i & 255}.0/24 }] }`)];
  const path = await file(lines.join('\n'));
  const started = performance.now();
  const result = await netvet(validate(path), { timeoutMs: 60_000 });
  testInfo.annotations.push({ type: 'duration', description: `5,000 networks: ${Math.round(performance.now() - started)} ms` });
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout).toBe(`${path}: ok (5000 networks, 0 workloads)\n`);
});

test('topology validate: thousands of mistakes print 20 and how many more', async ({}, testInfo) => {
  const path = await file(['networks:', ...Array.from({ length: 3000 }, (_, i) => `  - { name: n${i}, subnets: [{ cidr: 10.0.0.0/40 }] }`)].join('\n'));
  const result = await netvet(validate(path), { timeoutMs: 30_000 });
  testInfo.annotations.push({ type: 'errors', description: `${result.stderr.split('\n').length} lines for 3000 mistakes` });
  expect(result.code).toBe(1);
  expect(result.stderr.split('\n').filter((l) => l.startsWith(path))).toHaveLength(20);
  expect(result.stderr).toMatch(/\nand 2980 more errors \(fix these first\)\n$/);
});

test('topology validate: escape sequences and binary from a file never reach the terminal raw', async ({}, testInfo) => {
  const forged = await file('networks:\n  - name: n1\n    "\\e[1A\\e[2K\\rtopologies/x.yaml: ok (1 network, 0 workloads)": 1\n    subnets: [{ cidr: 10.0.0.0/24 }]\n');
  const output = await refused(testInfo, validate(forged), `${forged}:3:5: `);
  expect(output).toContain('\\x1b[1A\\x1b[2K\\rtopologies/x.yaml: ok');
  const binary = await file(Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x00, 0xff, 0xfe, 0x07]));
  expect(await refused(testInfo, validate(binary), `${binary}:1:5: `)).toContain('the file holds binary data (a NUL byte), not YAML text\n  fix: ');
});

test('topology validate: UTF-16, two documents, an alias bomb and an alias to nothing', async ({}, testInfo) => {
  const utf16 = await file(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('networks: []\n', 'utf16le')]));
  expect(await refused(testInfo, validate(utf16), `${utf16}:1:1: `)).toContain('UTF-16');
  const two = await file('networks:\n  - { name: n1, subnets: [{ cidr: 10.0.0.0/24 }] }\n---\nnetworks: []\n');
  expect(await refused(testInfo, validate(two), `${two}:3:1: `)).toContain('a second YAML document starts here');
  const laughs = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (const [i, name] of [...'bcdefghij'].entries()) laughs.push(`${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(', ')}]`);
  const bomb = await file(laughs.join('\n'));
  expect(await refused(testInfo, validate(bomb), `${bomb}:2:8: `)).toContain('alias bomb');
  const dangling = await file('networks:\n  - name: n1\n    subnets: *nowhere\n');
  expect(await refused(testInfo, validate(dangling), `${dangling}:3:14: `)).toContain("alias '*nowhere' refers to no anchor");
});

test('topology validate: a directory, a FIFO and an unreadable file', async ({}, testInfo) => {
  const folder = await mkdtemp(join(tmpdir(), 'netvet-cli-bad-'));
  expect(await refused(testInfo, validate(folder), `${folder}: `)).toContain('is a directory');
  const fifo = join(folder, 'pipe.yaml');
  execFileSync('mkfifo', [fifo]);
  expect(await refused(testInfo, validate(fifo), `${fifo}: `)).toContain('is not a regular file (a FIFO)');

  // Root reads any ordinary file, but a /proc/sys entry without read permission refuses even root:
  // a real EACCES, whoever runs the tests and wherever the checkout is.
  const locked = '/proc/sys/vm/drop_caches';
  const started = performance.now();
  const result = await run([process.execPath, NETVET, ...validate(locked)], { allowFail: true, timeoutMs: 30_000 });
  testInfo.annotations.push({ type: 'duration', description: `netvet topology validate (EACCES): ${Math.round(performance.now() - started)} ms` });
  expect(shape(result, `${locked}: `)).toContain(`permission denied\n  fix: let the user running netvet read it (\`chmod a+r ${locked}\`)`);
});

test('lab up --profile: a malformed profile is refused before anything is checked or made', async ({}, testInfo) => {
  const state = await mkdtemp(join(tmpdir(), 'netvet-cli-state-'));
  const env = { ...process.env, NETVET_STATE_DIR: state, NETVET_LAB_OWNER_PID: String(process.pid) };
  const up = (profile: string) => ['lab', 'up', '--name', 'badin', '--profile', profile];
  const utf16 = await file(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('encapsulation: vxlan\n', 'utf16le').swap16()]), 'profile.yaml');
  expect(await refused(testInfo, up(utf16), `${utf16}:1:1: `, env)).toContain('the file is UTF-16 text');
  const typo = await file('encapsulation: vxaln\n', 'profile.yaml');
  expect(await refused(testInfo, up(typo), `${typo}:1:16: `, env)).toContain("did you mean 'vxlan'?");
  const folder = await mkdtemp(join(tmpdir(), 'netvet-cli-bad-'));
  expect(await refused(testInfo, up(folder), `${folder}: `, env)).toContain('is a directory, not a lab profile file');
  // Nothing of the lab exists: no state, no lock, no namespace.
  expect(await readdir(state)).toEqual([]);
  expect((await run(['ip', 'netns', 'list'])).stdout).not.toContain('nv-badin-');
});

test('netvet --version prints the version in package.json', async () => {
  const { version } = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const result = await netvet(['--version']);
  expect(result).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
});

test('topology destroy and explain leave a deployment of a run still going alone; a dead run\'s is theirs', async ({}, testInfo) => {
  await withStateDir(async (state) => {
    const env = { ...process.env, NETVET_STATE_DIR: state };
    const topology = 'topologies/security-group.yaml';
    const plan = await loadTopology(topology, { macSeed: 'nvg-' });
    // This test's own worker is the run: alive for as long as the commands below take.
    const going = RunJournal.create('nvg-', { targetFile: '/nonexistent/target.yaml', orchestrator: 'ovn-northbound', topologyFile: resolve(topology), plan });
    for (const args of [['topology', 'destroy', topology], ['explain', topology, 'client', 'server', 'icmp']]) {
      const output = await refused(testInfo, args, 'belong to runs still going: nvg- (run', env);
      expect(output).toContain('fix: wait for those runs to end');
    }
    expect(RunJournal.all().map((r) => r.journal.prefix)).toEqual(['nvg-']);

    // The same journal once its run is gone (a PID that has exited): destroy takes it, and goes on to its target.
    const exited = spawnSync('true').pid;
    const lines = (await readFile(going.file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    await writeFile(going.file, lines.map((l) => JSON.stringify(l.kind === 'header' ? { ...l, pid: exited, owner: undefined } : l)).join('\n') + '\n');
    const output = await refused(testInfo, ['topology', 'destroy', topology], '/nonexistent/target.yaml', env);
    expect(output).not.toContain('still going');
  });
});
