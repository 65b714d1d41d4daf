import type { Shell } from '../access';
import type { Attachment, SdnBindings } from '../sdn/types';
import type { TargetHosts } from '../target/hosts';
import type { Target } from '../target/schema';
import type { Topology } from '../topology';
import { NetvetError } from '../util/errors';
import type { SecurityGroupRuleSpec } from '../topology/runtime-rules';
import type { RunJournal } from './journal';

/**
 * What a driver built for one topology, in the topology's own names. Immutable: a change at run
 * time (a floating IP moved, a rule added) is a journaled operation that returns the deployment
 * as it is after it.
 */
export interface Deployment {
  /** The topology as planned when it was built (also in the journal, so a kept one is rebuilt from it). */
  readonly topology: Topology;
  /** Prefix of every resource name of this deployment: run, worker, topology. */
  readonly prefix: string;
  readonly workloads: Readonly<Record<string, DeployedWorkload>>;
  readonly routers: Readonly<Record<string, DeployedRouter>>;
  readonly floatingIps: Readonly<Record<string, DeployedFloatingIp>>;
}

export interface DeployedPort {
  readonly network: string;
  readonly address: string;
  readonly mac: string;
  readonly interface: string;
  /** The orchestrator's id of the port (OVN: the logical switch port; Neutron: the port id). */
  readonly id: string;
}

export interface DeployedWorkload {
  readonly name: string;
  /** Target host it runs on. */
  readonly host: string;
  readonly ports: readonly DeployedPort[];
  /** Runs commands inside the workload. */
  readonly shell: Shell;
  /** The workload's own SSH host key, for logging in to it (through a floating IP, say). */
  readonly hostKey?: string;
}

export interface DeployedRouter {
  readonly name: string;
  /** Address of its gateway port on the external network, when it has one. */
  readonly externalAddress: string | null;
}

export interface DeployedFloatingIp {
  readonly name: string;
  readonly address: string;
  readonly workload: string | null;
  readonly port: number | null;
}

/** Floating IPs moved at run time; each call returns once every chassis has the change. */
export interface FloatingIpFacet {
  associate(deployment: Deployment, floatingIp: string, workload: string, port?: number): Promise<Deployment>;
  disassociate(deployment: Deployment, floatingIp: string): Promise<Deployment>;
}

/** Security group rules changed at run time, checked as the file's rules are; in effect on every chassis when a call returns. */
export interface SecurityGroupFacet {
  addRule(deployment: Deployment, group: string, rule: SecurityGroupRuleSpec): Promise<Deployment>;
  /** Removes a rule the group has (from the file or added since). */
  removeRule(deployment: Deployment, group: string, rule: SecurityGroupRuleSpec): Promise<Deployment>;
}

/** Network policies (the topology's `policies`) changed at run time. */
export interface NetworkPolicyFacet {
  /** Sets one rule (by its index in the file) to allow or deny; in effect on every chassis when it returns. */
  setRuleAction(deployment: Deployment, policy: string, rule: number, action: 'allow' | 'deny'): Promise<Deployment>;
}

/** Service chains (the topology's `serviceChains`): ECMP over instances, steered by a health check. */
export interface ServiceChainFacet {
  /** Runs the chain's health check: traffic then goes only to its live instances. Returns each instance's state by workload. */
  check(deployment: Deployment, chain: string): Promise<Record<string, 'up' | 'down'>>;
}

/**
 * Optional, typed abilities beyond the core. A scenario asks for the capability a facet gives
 * (`policy`, `service-chain`), never for a driver; `facetOf` fails clearly where one is missing.
 * A facet tied to one product (Horizon's) is added where that product lives, by declaration merging.
 */
export interface Facets {
  floatingIps?: FloatingIpFacet;
  securityGroups?: SecurityGroupFacet;
  policies?: NetworkPolicyFacet;
  serviceChains?: ServiceChainFacet;
}

/** The facet `name` of a driver, or a clear error naming the capability a scenario should ask for. */
export function facetOf<K extends keyof Facets>(orchestrator: Orchestrator, name: K): NonNullable<Facets[K]> {
  const facet = orchestrator.facets[name];
  if (!facet) {
    throw new NetvetError(`the ${orchestrator.name} orchestrator has no ${String(name)} facet`, 'have the scenario ask for the capability it needs (annotation requires), so it skips on targets without it');
  }
  return facet;
}

/** How the SDN under a driver names what the driver made, by SDN (see `SdnBindings`). */
export type Bindings = { [S in keyof SdnBindings]?: (deployment: Deployment) => Promise<SdnBindings[S]> };

/**
 * One orchestrator (the SDN's own northbound API, OpenStack, Kubernetes, vCenter) behind one small
 * core. Every create is journaled before it happens, so the lifecycle and `netvet cleanup` can
 * undo it in reverse order even after a crash.
 */
export interface Orchestrator {
  readonly name: string;
  readonly facets: Facets;
  readonly bindings: Bindings;
  /** Fails, naming what does not answer and the fix, before anything is journaled or made. */
  reachable(): Promise<void>;
  /** The versions its services report (`nova: v2.1, microversions 2.1-2.93`), for the report's environment; absent where it cannot say. */
  versions?(): Promise<Record<string, string>>;
  apply(topology: Topology, journal: RunJournal): Promise<Deployment>;
  /** Undoes what the journal lists, newest first; tolerates what is already gone. */
  undo(journal: RunJournal): Promise<void>;
  /** Removes anything whose name carries `prefix`, journal or not; returns what it removed. */
  sweep(prefix: string): Promise<string[]>;
  /** A kept deployment rebuilt from its journal (the planned topology, the operations since) and the target. */
  reattach(journal: RunJournal): Promise<Deployment>;
  /** The orchestrator's own view of a deployment, attached to the report when a test fails. */
  diagnose(deployment: Deployment): Promise<Attachment[]>;
}

/** The topology sections a driver can build, beyond networks, routers, security groups, workloads and floating IPs. */
export type OptionalSection = 'policies' | 'serviceChains' | 'mirrors' | 'securityGroups';

/** An orchestrator netvet knows: its name, what it builds and offers, and how to open it. */
export interface OrchestratorKind {
  readonly name: string;
  readonly summary: string;
  /** Optional topology sections it builds; a topology using another one is refused before anything is made. */
  readonly builds: readonly OptionalSection[];
  /** Which of the capabilities offered by the SDN and the target it keeps (Neutron cannot switch encapsulations). */
  keeps(capability: string, target: Target): boolean;
  /** Why the target file cannot serve this driver (a missing section), or undefined. */
  problem(target: Target): string | undefined;
  open(target: Target, hosts: TargetHosts): Promise<Orchestrator>;
}
