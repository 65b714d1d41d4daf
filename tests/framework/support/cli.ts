import { expect } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { run, type ExecResult } from '../../../lib/util/exec';
import { stateRoot } from '../../../lib/util/state';

export const NETVET = fileURLToPath(new URL('../../../bin/netvet.js', import.meta.url));

/**
 * Every lab a framework test brings up is temporary, owned by the test's worker: when a run is
 * killed, `netvet cleanup` takes its labs down. An `env` without the variable brings a lab up by hand.
 */
const owned = (env: NodeJS.ProcessEnv | undefined): NodeJS.ProcessEnv => env ?? { ...process.env, NETVET_LAB_OWNER_PID: String(process.pid) };

/** Runs the real `netvet` command, as a user would. */
export function netvet(args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ExecResult> {
  return run([process.execPath, NETVET, ...args], { allowFail: true, env: owned(options.env), timeoutMs: options.timeoutMs ?? 120_000 });
}

/** Starts `netvet` in its own process group, so a test can SIGKILL it halfway. */
export function startNetvet(args: string[]): ChildProcess {
  return spawn(process.execPath, [NETVET, ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: owned(undefined) });
}

/** `netvet topology apply` (args: --target, --orchestrator); returns the deployment prefix it printed and its output. */
export async function applyTopology(file: string, ...args: string[]): Promise<{ prefix: string; stdout: string }> {
  const applied = await netvet(['topology', 'apply', file, ...args]);
  expect(applied.code, applied.stderr).toBe(0);
  return { prefix: /built \S+ as (\S+)/.exec(applied.stdout)![1], stdout: applied.stdout };
}

/** `netvet explain` of one flow of a kept deployment (`client server tcp/22`); returns what it printed. */
export async function explainFlow(prefix: string, ...flow: string[]): Promise<string> {
  const explained = await netvet(['explain', '--prefix', prefix, ...flow]);
  expect(explained.code, explained.stderr).toBe(0);
  return explained.stdout;
}

/** Lab names unique to this run, so a lab the user keeps (`default`) is never touched. */
export const uniqueLabName = (stem: string) => `${stem}${process.pid.toString(36).slice(-3)}`;

/**
 * A lab of the test's own (`stem` + this run's id) with `profile`: brought up, handed to `use`, taken
 * down whatever happens, and then nothing of it may be left.
 */
export async function withOwnLab(stem: string, profile: string, use: (lab: { name: string; targetFile: string; up: ExecResult }) => Promise<void>): Promise<void> {
  const name = uniqueLabName(stem);
  let range = '';
  try {
    const up = await netvet(['lab', 'up', '--name', name, '--profile', profile]);
    expect(up.code, up.stderr).toBe(0);
    range = labRange(name);
    await use({ name, targetFile: `${labDirOf(name)}/target.yaml`, up });
  } finally {
    await netvet(['lab', 'down', '--name', name]);
  }
  expect(await leftovers(name, range)).toEqual([]);
}

export function labDirOf(name: string): string {
  return `${stateRoot()}/labs/${name}`;
}

/** The lab's /16, from its saved plan (while it exists). */
export function labRange(name: string): string {
  const file = `${labDirOf(name)}/plan.json`;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { range: string }).range : '';
}

function claimedByAnotherLab(name: string, range: string): boolean {
  const labs = `${stateRoot()}/labs`;
  if (!existsSync(labs)) return false;
  return readdirSync(labs, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== name)
    .some((d) => {
      const journal = `${labs}/${d.name}/journal.jsonl`;
      return existsSync(journal) && readFileSync(journal, 'utf8').includes(`"destination":"${range}"`);
    });
}

/** Everything of a lab that could leak: namespaces, root links, its fence route, processes, its folder. */
export async function leftovers(name: string, range: string): Promise<string[]> {
  const found: string[] = [];
  const netns = (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]);
  found.push(...netns.filter((ns) => ns.startsWith(`nv-${name}-`)).map((ns) => `netns ${ns}`));
  const links = (await run(['ip', '-o', 'link', 'show'])).stdout.split('\n').map((l) => l.split(': ')[1]?.split('@')[0] ?? '');
  found.push(...links.filter((l) => l.startsWith(`${name}-`)).map((l) => `link ${l}`));
  // Another lab (a parallel test) may claim the range as soon as this one frees it: not a leak.
  if (range && !claimedByAnotherLab(name, range)) {
    const routes = (await run(['ip', 'route', 'show', 'table', 'all'])).stdout.split('\n');
    found.push(...routes.filter((r) => r.includes(range) || r.includes(range.split('.').slice(0, 2).join('.') + '.')).map((r) => `route ${r}`));
  }
  const ps = (await run(['ps', '-eo', 'pid=,args='])).stdout.split('\n');
  found.push(...ps.filter((p) => p.includes(`${labDirOf(name)}/`)).map((p) => `process ${p.trim()}`));
  if (existsSync(labDirOf(name))) found.push(`folder ${labDirOf(name)}`);
  return found;
}
