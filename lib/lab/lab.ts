import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Netmask } from 'netmask';
import { NetvetError } from '../util/errors';
import { run } from '../util/exec';
import { identify, stillRunning, type ProcessIdentity } from '../util/process-identity';
import { buildChassis } from './chassis';
import { buildControlPlane } from './control-plane';
import { checkHealth, withTargetCheck, type LabHealth } from './health';
import { Journal } from './journal';
import { withLock } from '../util/lock';
import { buildNetwork } from './network';
import { stateRoot } from '../util/state';
import { allHosts, checkLabName, labDir, planLab, type LabPlan } from './plan';
import { pidsInNetns, readPidfile, isOurs } from './processes';
import { terminate } from '../util/processes';
import { integrationsOf } from './integrations';
import { loadLabProfile, type LabProfile } from './profile';
import { requireKernelFeatures, requirePrograms, requireRoot, LAB_REQUIREMENTS } from './preflight';
import { generateKeys, sshAnswers, startSshd } from './sshd';
import { waitWhileProgressing } from './wait';
import { describeLab, writeTargetFile } from './target-file';

export type Progress = (line: string) => void;

export const journalOf = (name: string) => new Journal(join(labDir(name), 'journal.jsonl'));
const planFile = (name: string) => join(labDir(name), 'plan.json');
const lockFile = (name: string) => join(stateRoot(), 'labs', `${name}.lock`);

async function savedPlan(name: string): Promise<LabPlan | undefined> {
  if (!existsSync(planFile(name))) return undefined;
  return JSON.parse(await readFile(planFile(name), 'utf8')) as LabPlan;
}

/** The lab's /16: the profile's, or the first in 10.240.0.0/12 that nothing on this machine routes. */
async function claimAddressRange(profile: LabProfile, journal: Journal): Promise<string> {
  const routes = JSON.parse((await run(['ip', '-j', 'route', 'show', 'table', 'all'])).stdout) as Array<{ dst: string }>;
  const used = routes.map((r) => r.dst).filter((dst) => /^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(dst)).map((dst) => new Netmask(dst));
  const free = (range: string) => {
    const block = new Netmask(range);
    return !used.some((u) => u.contains(block.base) || block.contains(u.base));
  };
  const candidates = profile.addressRange === 'auto' ? Array.from({ length: 16 }, (_, i) => `10.${240 + i}.0.0/16`) : [profile.addressRange];
  for (const range of candidates.filter(free)) {
    // Adding the fence is also the claim: a second lab racing for the same range gets EEXIST.
    // Journaled first, so a kill right after the add leaks nothing; teardown spares a range another lab holds.
    journal.record({ kind: 'route', destination: range });
    const added = await run(['ip', 'route', 'add', 'unreachable', range], { allowFail: true });
    if (added.code === 0) return range;
  }
  throw new NetvetError(
    profile.addressRange === 'auto' ? 'every /16 in 10.240.0.0/12 is already routed on this machine' : `${profile.addressRange} is already routed on this machine`,
    profile.addressRange === 'auto' ? 'remove labs you no longer need (netvet lab down --name N)' : "pick another addressRange in the profile, or 'auto'",
  );
}

async function stage<T>(progress: Progress, title: string, body: () => Promise<T>): Promise<T> {
  const start = Date.now();
  const result = await body();
  progress(`  ✓ ${title} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  return result;
}

/** Waits while problems go away (chassis register, leaders are elected); fails naming the ones left once none goes for `stallMs`. */
async function waitUntilHealthy(plan: LabPlan, journal: Journal, stallMs: number): Promise<void> {
  await waitWhileProgressing('the lab', async () => {
    const health = await checkHealth(plan, journal);
    return { done: health.healthy, reached: -health.problems.length, missing: `not healthy yet: ${health.problems.join('; ')}` };
  }, { stallMs, pollMs: 100 });
}

/** Waits while more hosts' sshd answer; fails naming the hosts whose sshd does not. */
async function waitForEverySshd(plan: LabPlan, stallMs: number): Promise<void> {
  const hosts = allHosts(plan);
  await waitWhileProgressing('sshd on the lab hosts', async () => {
    const answers = await Promise.all(hosts.map((host) => sshAnswers(host.management, 500)));
    const silent = hosts.filter((_, i) => !answers[i]).map((h) => `${h.name} (${h.management}:22)`);
    return { done: !silent.length, reached: hosts.length - silent.length, missing: `sshd does not answer on ${silent.join(', ')}` };
  }, { stallMs, pollMs: 25 });
}

async function build(name: string, profile: LabProfile, progress: Progress, owner: ProcessIdentity | undefined): Promise<LabPlan> {
  const journal = journalOf(name);
  // First, so a lab up killed with its owner is temporary from its first namespace on.
  if (owner) journal.record({ kind: 'owner', ...owner });
  const range = await stage(progress, 'address range', () => claimAddressRange(profile, journal));
  const plan = planLab(name, profile, range);
  await Promise.all(allHosts(plan).map((h) => mkdir(h.dir, { recursive: true })));
  await writeFile(planFile(name), JSON.stringify(plan, null, 2));
  const underlay = [plan.underlayRouter ? 'two data subnets routed by rt1' : 'data', ...(plan.chassis.some((c) => c.underlay.uplinks.length > 1) ? ['bonded uplinks'] : [])].join(', ');
  await stage(progress, `network: ${allHosts(plan).length} hosts, management/${underlay}/external segments in ${range}`, () => buildNetwork(plan, journal));
  const hostKeys = await stage(progress, 'SSH keys', () => generateKeys(plan));
  await stage(progress, `control plane: NB and SB Raft clusters of ${plan.controls.length}, ${Math.min(profile.controlPlane.northd, plan.controls.length)} ovn-northd`, () =>
    buildControlPlane(plan, journal),
  );
  await stage(progress, `chassis: ${plan.chassis.map((c) => c.name).join(', ')} (${profile.encapsulation})`, () =>
    Promise.all(plan.chassis.map((host) => buildChassis(plan, host, journal))),
  );
  await stage(progress, 'sshd on every host', async () => {
    await Promise.all(allHosts(plan).map((host) => startSshd(plan, host, journal)));
    await waitForEverySshd(plan, 10_000);
  });
  await stage(progress, 'chassis registered, leaders elected, northd active', () => waitUntilHealthy(plan, journal, 20_000));
  for (const integration of integrationsOf(plan)) await stage(progress, integration.stage(plan), () => integration.build(plan, journal, progress));
  await writeTargetFile(plan.targetFile, describeLab(plan, hostKeys));
  return plan;
}

export interface LabUpResult {
  plan: LabPlan;
  alreadyRunning: boolean;
}

/**
 * Builds the lab, or leaves a healthy one as it is; a lab whose daemons died is removed and rebuilt.
 * With `ownerPid` a lab built now is temporary: `netvet cleanup` takes it down once that process is
 * gone (a running lab keeps the owner it was built with).
 */
export async function labUp(name: string, profileFile: string, progress: Progress, ownerPid?: number): Promise<LabUpResult> {
  checkLabName(name);
  const owner = ownerPid === undefined ? undefined : identify(ownerPid);
  // The profile first: a mistake in it is reported the same on any machine, before anything is checked or made.
  const profile = await loadLabProfile(profileFile);
  requireRoot('netvet lab up');
  requirePrograms(LAB_REQUIREMENTS);
  await requireKernelFeatures();
  for (const integration of integrationsOf({ profile })) integration.preflight({ profile });
  return withLock(lockFile(name), `lab '${name}'`, async () => {
    const existing = await savedPlan(name);
    if (existing) {
      const health = await checkHealth(existing, journalOf(name));
      if (health.healthy && JSON.stringify(existing.profile) !== JSON.stringify(profile)) {
        throw new NetvetError(`lab '${name}' is running with another profile`, `run 'netvet lab down --name ${name}' first, or use another --name`);
      }
      if (health.healthy && existsSync(existing.targetFile)) return { plan: existing, alreadyRunning: true };
      progress(`lab '${name}' is not healthy (${health.problems.slice(0, 3).join('; ')}): rebuilding it`);
    }
    if (existing || existsSync(labDir(name))) await teardown(name);
    progress(`building lab '${name}' from ${profileFile}`);
    try {
      return { plan: await build(name, profile, progress, owner), alreadyRunning: false };
    } catch (error) {
      progress('  ✗ failed; removing what was built');
      await teardown(name);
      throw error;
    }
  });
}

/** Undoes everything the journal lists, plus anything left in the lab's namespaces. Safe to repeat. */
async function teardown(name: string): Promise<void> {
  const dir = labDir(name);
  const entries = journalOf(name).entries().reverse();
  const pids = entries.flatMap((e) => (e.kind === 'daemon' ? [readPidfile(e.pidfile)] : [])).filter((pid): pid is number => pid !== undefined && isOurs(pid, dir));
  await terminate(pids);

  const listed = entries.flatMap((e) => (e.kind === 'netns' ? [e.name] : []));
  const present = (await run(['ip', 'netns', 'list'])).stdout.split('\n').map((l) => l.split(' ')[0]).filter((ns) => ns.startsWith(`nv-${name}-`));
  const namespaces = [...new Set([...listed, ...present])];
  await terminate((await Promise.all(namespaces.map(pidsInNetns))).flat(), 500);
  await Promise.all(namespaces.map((ns) => run(['ip', 'netns', 'del', ns], { allowFail: true })));

  const heldByOthers = await rangesOfOtherLabs(name);
  for (const entry of entries) {
    if (entry.kind === 'link') await run(['ip', 'link', 'del', entry.name], { allowFail: true });
    if (entry.kind === 'route' && !heldByOthers.has(entry.destination)) {
      await run(['ip', 'route', 'del', 'unreachable', entry.destination], { allowFail: true });
    }
  }
  // Files of workloads that died with the lab (kept or killed deployments).
  await Promise.all(
    (await readdir('/run/netvet/workloads').catch(() => [])).filter((d) => d.startsWith(`nv-${name}-`)).map((d) => rm(join('/run/netvet/workloads', d), { recursive: true, force: true })),
  );
  await rm(dir, { recursive: true, force: true });
}

export async function labDown(name: string): Promise<boolean> {
  checkLabName(name);
  requireRoot('netvet lab down');
  return withLock(lockFile(name), `lab '${name}'`, async () => {
    const existed = existsSync(labDir(name));
    await teardown(name);
    return existed;
  });
}

export interface LabStatus {
  name: string;
  running: boolean;
  targetFile?: string;
  range?: string;
  health?: LabHealth;
  /** A temporary lab's owner, and whether it still runs. */
  owner?: ProcessIdentity & { running: boolean };
}

/** The owner a temporary lab was built for; none for a lab brought up by hand. */
export function labOwner(name: string): ProcessIdentity | undefined {
  const entry = journalOf(name).entries().find((e) => e.kind === 'owner');
  return entry?.kind === 'owner' ? { pid: entry.pid, started: entry.started } : undefined;
}

export async function labStatus(name: string): Promise<LabStatus> {
  checkLabName(name);
  const plan = await savedPlan(name);
  if (!plan) return { name, running: false };
  const health = await withTargetCheck(await checkHealth(plan, journalOf(name)), plan.targetFile);
  const owner = labOwner(name);
  return { name, running: health.healthy, targetFile: plan.targetFile, range: plan.range, health, ...(owner ? { owner: { ...owner, running: stillRunning(owner) } } : {}) };
}

/**
 * Address ranges the other labs on this machine hold: the last range each journaled (earlier ones
 * were claims that lost a race), read from journals so a lab still being built counts too.
 */
async function rangesOfOtherLabs(name: string): Promise<Set<string>> {
  const root = join(stateRoot(), 'labs');
  const others = (await readdir(root, { withFileTypes: true }).catch(() => [])).filter((d) => d.isDirectory() && d.name !== name);
  return new Set(
    others.flatMap((d) => {
      const claims = journalOf(d.name).entries().flatMap((e) => (e.kind === 'route' ? [e.destination] : []));
      return claims.length ? [claims[claims.length - 1]] : [];
    }),
  );
}
