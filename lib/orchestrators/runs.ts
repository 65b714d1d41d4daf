import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TargetHosts } from '../target/hosts';
import type { Topology } from '../topology';
import { describeError, NetvetError } from '../util/errors';
import { deepFreeze } from '../util/freeze';
import { RunJournal, runStillGoing, type RunHeader } from './journal';
import { build, tearDown, withTarget, type OpenTarget } from './lifecycle';
import { replayOperations } from './operations';
import { ORCHESTRATOR_NAMES } from './registry';
import type { Deployment, Orchestrator } from './types';

/**
 * `topology apply`: builds a topology by hand and keeps it (a QA engineer debugging), through the
 * target's own driver or `orchestrator` (the OpenStack lab is also an OVN deployment); the journal
 * records which, and the plan, so `explain` and `destroy` use the same ones.
 */
export async function applyTopologyFile(file: string, targetFile: string, orchestrator?: string): Promise<{ deployment: Deployment; topology: Topology }> {
  if (orchestrator !== undefined && !ORCHESTRATOR_NAMES.includes(orchestrator)) {
    throw new NetvetError(`netvet has no orchestrator '${orchestrator}'`, `use --orchestrator with one of: ${ORCHESTRATOR_NAMES.join(', ')}`);
  }
  const prefix = `nvm${randomBytes(2).toString('hex')}-`;
  return withTarget(targetFile, async (open) => {
    const { deployment, journal } = await build(open, file, prefix);
    // Kept only once built: an apply killed halfway is an ordinary dead run for `netvet cleanup`.
    journal.keep();
    return { deployment, topology: deployment.topology };
  }, orchestrator);
}

/** Undoes a journal through the driver its run used, sweeps its prefix, and forgets it. */
async function destroyJournal(journal: RunJournal, header: RunHeader): Promise<string[]> {
  return withTarget(header.targetFile, ({ orchestrator }) => tearDown(orchestrator, journal), header.orchestrator);
}

/** Who may act on a recorded deployment: a kept one, or one whose run is gone; never a run still going. */
function actionable(journal: RunJournal, header: RunHeader): boolean {
  return journal.isKept() || !runStillGoing(header);
}

/** Recorded deployments of a topology file or a prefix that may be acted on; none is an error naming why. */
function recordedDeployments(selector: { file?: string; prefix?: string }): Array<{ journal: RunJournal; header: RunHeader }> {
  const matching = RunJournal.all().flatMap(({ journal, header }) =>
    header && (selector.prefix ? journal.prefix.startsWith(selector.prefix) : header.topologyFile === resolve(selector.file ?? '')) ? [{ journal, header }] : [],
  );
  const chosen = matching.filter(({ journal, header }) => actionable(journal, header));
  if (!chosen.length) {
    const going = matching.map(({ journal, header }) => `${journal.prefix} (run ${header.pid})`);
    throw new NetvetError(
      going.length
        ? `the deployments of ${selector.prefix ? `prefix ${selector.prefix}` : selector.file} belong to runs still going: ${going.join(', ')}`
        : `no deployment of ${selector.prefix ? `prefix ${selector.prefix}` : selector.file} is recorded on this machine`,
      going.length ? 'wait for those runs to end (they tear down their own deployments), or keep one with NETVET_KEEP=1' : "list what is recorded with 'netvet cleanup --dry-run'",
    );
  }
  return chosen;
}

/** `topology destroy FILE` or `--prefix P`: removes kept deployments and those of runs that are gone. */
export async function destroyTopologies(selector: { file?: string; prefix?: string }): Promise<string[]> {
  const removed: string[] = [];
  for (const { journal, header } of recordedDeployments(selector)) {
    await destroyJournal(journal, header);
    removed.push(journal.prefix);
  }
  return removed;
}

/**
 * A kept deployment (`topology apply`, NETVET_KEEP=1) rebuilt from its journal (`netvet explain`):
 * the plan it was built from, the run-time changes since, and what the driver finds on the target.
 * `targetFile` overrides the one the journal names.
 */
export async function withKeptDeployment<T>(
  selector: { file?: string; prefix?: string },
  targetFile: string | undefined,
  body: (kept: { deployment: Deployment; driver: Orchestrator; hosts: TargetHosts; open: OpenTarget }) => Promise<T>,
): Promise<T> {
  const chosen = recordedDeployments(selector);
  if (chosen.length > 1) {
    throw new NetvetError(`${chosen.length} deployments match: ${chosen.map((c) => c.journal.prefix).join(', ')}`, 'pick one with --prefix');
  }
  const { journal, header } = chosen[0];
  return withTarget(targetFile ?? header.targetFile, async (open) => {
    const found = await open.orchestrator.reattach(journal);
    // Which workload a floating IP serves is what the plan and the journaled changes say, not what
    // the SDN holds now: a NAT rule deleted behind netvet's back is drift to report, not the truth.
    const planned = Object.fromEntries(
      Object.entries(found.floatingIps).map(([name, fip]) => {
        const intended = header.plan.floatingIps.find((f) => f.name === name);
        return [name, { ...fip, workload: intended?.workload ?? null, port: intended?.workload ? (intended.port ?? 0) : null }];
      }),
    );
    const deployment = replayOperations({ ...found, floatingIps: planned }, journal.operations());
    return body({ deployment: deepFreeze(deployment), driver: open.orchestrator, hosts: open.hosts, open });
  }, header.orchestrator);
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
      // Torn at its first line, or written by a netvet before journals kept the plan: nothing to undo it with.
      if (!options.dryRun) journal.remove();
      items.push({ prefix: journal.prefix, reason: 'journal without a readable header', leftovers: [] });
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
