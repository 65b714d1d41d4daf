import { resolve } from 'node:path';
import { authorizedKeyOf, PRIVATE_KEY_FIELD } from '../access/ssh-key';
import { sdnKind } from '../sdn/registry';
import type { Sdn } from '../sdn/types';
import { capabilitiesOf } from '../target/capabilities';
import { TargetHosts } from '../target/hosts';
import { loadTarget } from '../target/load';
import type { Target } from '../target/schema';
import { loadTopology, type Topology } from '../topology';
import { NetvetError } from '../util/errors';
import { deepFreeze } from '../util/freeze';
import { RunJournal } from './journal';
import { orchestratorKind } from './registry';
import type { Deployment, OptionalSection, Orchestrator, OrchestratorKind } from './types';

/** A target opened for work: its file, its hosts over SSH, its SDN and the driver that builds on it. */
export interface OpenTarget {
  targetFile: string;
  /** The target with its capabilities as seen through the driver in use. */
  target: Target;
  hosts: TargetHosts;
  sdn: Sdn;
  orchestrator: Orchestrator;
  close(): Promise<void>;
}

/** Checks that the target file can serve the driver, before anything connects. */
function kinds(target: Target, targetFile: string, driverName: string): OrchestratorKind {
  const driver = orchestratorKind(driverName);
  const problem = driver.problem(target);
  if (problem) throw new NetvetError(`target '${target.name}' cannot serve the ${driver.name} orchestrator`, problem, { file: targetFile });
  return driver;
}

/** The target through a driver (its own `orchestrator`, or `driverName`: the OpenStack lab is also an OVN deployment). */
export async function openTarget(targetFile: string, driverName?: string): Promise<OpenTarget> {
  const loaded = await loadTarget(targetFile);
  const driver = kinds(loaded, targetFile, driverName ?? loaded.orchestrator);
  // Workloads accept the runner's key: a missing or unusable one is named now, once, not at the first workload.
  await authorizedKeyOf(loaded.access.ssh.privateKey, { file: targetFile, field: PRIVATE_KEY_FIELD });
  const target = { ...loaded, capabilities: capabilitiesOf(loaded, sdnKind(loaded.sdn), driver) };
  const hosts = new TargetHosts(target);
  try {
    const [sdn, orchestrator] = await Promise.all([sdnKind(target.sdn).open(target, hosts), driver.open(target, hosts)]);
    return { targetFile, target, hosts, sdn, orchestrator, close: () => hosts.close() };
  } catch (error) {
    await hosts.close();
    throw error;
  }
}

/** Runs `body` on an opened target and closes its SSH connections after, whatever happens. */
export async function withTarget<T>(targetFile: string, body: (open: OpenTarget) => Promise<T>, driverName?: string): Promise<T> {
  const open = await openTarget(targetFile, driverName);
  try {
    return await body(open);
  } finally {
    await open.close();
  }
}

const SECTION_WORDS: Record<OptionalSection, string> = { policies: 'network policies', serviceChains: 'service chains', mirrors: 'port mirrors', securityGroups: 'security groups' };

/** Refuses, before anything is made, a topology with a section the driver cannot build. */
function assertBuildable(topology: Topology, driver: OrchestratorKind): void {
  const unbuildable = (Object.keys(SECTION_WORDS) as OptionalSection[]).filter((s) => topology[s].length > 0 && !driver.builds.includes(s));
  if (unbuildable.length) {
    throw new NetvetError(
      `topology ${topology.name} has ${unbuildable.map((s) => SECTION_WORDS[s]).join(', ')}, which the ${driver.name} orchestrator does not build`,
      'run it through a driver that builds them, or have the scenario ask for the capability so it skips',
      { file: topology.file },
    );
  }
}

/**
 * Plans a topology file and builds it under `prefix`: the plan is journaled first, then every
 * object before it is made. A build that fails is undone at once; if that fails too, the journal
 * stays for `netvet cleanup`.
 */
export async function build(open: Pick<OpenTarget, 'orchestrator' | 'targetFile'>, file: string, prefix: string): Promise<{ deployment: Deployment; journal: RunJournal }> {
  const { orchestrator } = open;
  const topology = await loadTopology(file, { macSeed: prefix });
  assertBuildable(topology, orchestratorKind(orchestrator.name));
  // An unreachable target fails here, with nothing journaled for `netvet cleanup` to trip over.
  await orchestrator.reachable();
  const journal = RunJournal.create(prefix, { targetFile: open.targetFile, orchestrator: orchestrator.name, topologyFile: resolve(file), plan: topology });
  try {
    return { deployment: deepFreeze(await orchestrator.apply(topology, journal)), journal };
  } catch (error) {
    await tearDown(orchestrator, journal).catch(() => undefined);
    throw error;
  }
}

/** Undoes a journal, sweeps its prefix and forgets it; returns what the sweep still had to remove (a leak). */
export async function tearDown(orchestrator: Orchestrator, journal: RunJournal): Promise<string[]> {
  await orchestrator.undo(journal);
  const leftovers = await orchestrator.sweep(journal.prefix);
  journal.remove();
  return leftovers;
}
