import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { TargetHosts } from '../target/hosts';
import { loadTarget } from '../target/load';
import type { Topology } from '../topology';
import { loadTopology } from '../topology';
import { describeError, NetvetError } from '../util/errors';
import { orchestratorFor, orchestratorNames } from './index';
import { RunJournal, runStillGoing, type RunHeader } from './journal';
import type { Deployment, Orchestrator } from './types';

/** Opens a target's driver (or the one a run used) for the length of `body`, and closes its SSH connections after. */
async function withDriver<T>(targetFile: string, body: (driver: ReturnType<typeof orchestratorFor>) => Promise<T>, driverName?: string): Promise<T> {
  const hosts = new TargetHosts(await loadTarget(targetFile));
  try {
    return await body(orchestratorFor(hosts.target, hosts, driverName));
  } finally {
    await hosts.close();
  }
}

/**
 * `topology apply`: builds a topology by hand and keeps it (a QA engineer debugging), through the
 * target's own driver or `orchestrator` (the OpenStack lab is also an OVN lab); the journal records
 * which, so `explain` and `destroy` use the same one.
 */
export async function applyTopologyFile(file: string, targetFile: string, orchestrator?: string): Promise<{ deployment: Deployment; topology: Topology }> {
  if (orchestrator !== undefined && !orchestratorNames().includes(orchestrator)) {
    throw new NetvetError(`netvet has no orchestrator '${orchestrator}'`, `use --orchestrator with one of: ${orchestratorNames().join(', ')}`);
  }
  const prefix = `nvm${randomBytes(2).toString('hex')}-`;
  const topology = await loadTopology(file, { macSeed: prefix });
  return withDriver(targetFile, async (driver) => {
    const journal = RunJournal.create(prefix, { targetFile, orchestrator: driver.name, topology: resolve(file) });
    let deployment: Deployment;
    try {
      deployment = await driver.apply(topology, journal);
    } catch (error) {
      // Nothing half-built stays behind a failed apply; if removing fails too, the journal stays for `netvet cleanup`.
      const removed = await driver
        .undo(journal)
        .then(() => driver.sweep(prefix))
        .then(() => true, () => false);
      if (removed) journal.remove();
      throw error;
    }
    // Kept only once built: an apply killed halfway is an ordinary dead run for `netvet cleanup`.
    journal.keep();
    return { deployment, topology };
  }, orchestrator);
}

/** Undoes a journal, sweeps its prefix, and forgets it; returns what the sweep still had to remove. */
async function destroyJournal(journal: RunJournal, header: RunHeader): Promise<string[]> {
  return withDriver(header.targetFile, async (driver) => {
    await driver.undo(journal);
    const leftovers = await driver.sweep(journal.prefix);
    journal.remove();
    return leftovers;
  }, header.orchestrator);
}

/** Recorded deployments of a topology file or a prefix; none is an error. */
function recordedDeployments(selector: { file?: string; prefix?: string }): Array<{ journal: RunJournal; header: RunHeader | undefined }> {
  const chosen = RunJournal.all().filter(({ journal, header }) =>
    header && (selector.prefix ? journal.prefix.startsWith(selector.prefix) : resolve(header.topology) === resolve(selector.file ?? '')),
  );
  if (!chosen.length) {
    throw new NetvetError(
      `no deployment of ${selector.prefix ? `prefix ${selector.prefix}` : selector.file} is recorded on this machine`,
      "list what is recorded with 'netvet cleanup --dry-run'",
    );
  }
  return chosen;
}

/** `topology destroy FILE` or `--prefix P`: removes kept deployments. */
export async function destroyTopologies(selector: { file?: string; prefix?: string }): Promise<string[]> {
  const chosen = recordedDeployments(selector);
  const removed: string[] = [];
  for (const { journal, header } of chosen) {
    await destroyJournal(journal, header!);
    removed.push(journal.prefix);
  }
  return removed;
}

/**
 * A kept deployment (`topology apply`, NETVET_KEEP=1) rebuilt from its journal (`netvet explain`):
 * the topology planned again with the same prefix gives the same addresses and MACs, the driver
 * finds the rest on the target. `targetFile` overrides the one the journal names.
 */
export async function withKeptDeployment<T>(
  selector: { file?: string; prefix?: string },
  targetFile: string | undefined,
  body: (kept: { deployment: Deployment; driver: Orchestrator; hosts: TargetHosts }) => Promise<T>,
): Promise<T> {
  const chosen = recordedDeployments(selector);
  if (chosen.length > 1) {
    throw new NetvetError(`${chosen.length} deployments match: ${chosen.map((c) => c.journal.prefix).join(', ')}`, 'pick one with --prefix');
  }
  const { journal, header } = chosen[0];
  const topology = await loadTopology(header!.topology, { macSeed: journal.prefix });
  const hosts = new TargetHosts(await loadTarget(targetFile ?? header!.targetFile));
  try {
    const driver = orchestratorFor(hosts.target, hosts, header!.orchestrator);
    if (!driver.reattach) throw new NetvetError(`the ${driver.name} orchestrator cannot reattach to a kept deployment`, 'rebuild it inside a test instead');
    return await body({ deployment: await driver.reattach(topology, journal), driver, hosts });
  } finally {
    await hosts.close();
  }
}

export interface CleanupItem {
  prefix: string;
  reason: string;
  leftovers: string[];
  /** Why it could not be removed (an unreachable target, say); its journal stays for the next try. */
  error?: string;
}

/**
 * `netvet cleanup`: undoes the deployments of runs that died (their process is gone), leaving runs
 * in progress and deployments kept on purpose alone unless `all` is set.
 */
export async function cleanupRuns(options: { all?: boolean; dryRun?: boolean }): Promise<CleanupItem[]> {
  const items: CleanupItem[] = [];
  for (const { journal, header } of RunJournal.all()) {
    if (!header) {
      journal.remove();
      continue;
    }
    // PID and start time: a PID the kernel reused for another process does not keep a dead run's deployment.
    const dead = !runStillGoing(header);
    if (!options.all && (!dead || journal.isKept())) continue;
    const reason = dead ? `run ${header.pid} is gone` : journal.isKept() ? 'kept deployment' : `run ${header.pid} is still going`;
    if (!existsSync(header.targetFile)) {
      // Its target is gone with everything on it (a lab taken down): only the journal is left.
      if (!options.dryRun) journal.remove();
      items.push({ prefix: journal.prefix, reason: `${reason}; its target ${header.targetFile} no longer exists`, leftovers: [] });
      continue;
    }
    if (options.dryRun) {
      items.push({ prefix: journal.prefix, reason, leftovers: [] });
      continue;
    }
    try {
      items.push({ prefix: journal.prefix, reason, leftovers: await destroyJournal(journal, header) });
    } catch (error) {
      items.push({ prefix: journal.prefix, reason, leftovers: [], error: describeError(error) });
    }
  }
  return items;
}
