import type { Shell } from '../access';
import type { Topology } from '../topology';
import type { SecurityGroupRuleSpec } from '../topology/runtime-rules';
import type { RunJournal } from './journal';

/** What a driver built for one topology, in the topology's own names. */
export interface Deployment {
  topology: Topology;
  /** Prefix of every resource name of this deployment: run, worker, topology. */
  prefix: string;
  workloads: Record<string, DeployedWorkload>;
  routers: Record<string, DeployedRouter>;
  floatingIps: Record<string, DeployedFloatingIp>;
}

export interface DeployedWorkload {
  name: string;
  /** Target host it runs on. */
  host: string;
  ports: Array<{ network: string; address: string; mac: string; interface: string; id: string }>;
  /** Runs commands inside the workload. */
  shell: Shell;
  /** The workload's own SSH host key, for logging in to it (through a floating IP, say). */
  hostKey?: string;
}

export interface DeployedRouter {
  name: string;
  /** Address of its gateway port on the external network, when it has one. */
  externalAddress: string | null;
}

export interface DeployedFloatingIp {
  name: string;
  address: string;
  workload: string | null;
  port: number | null;
}

/**
 * One orchestrator (the embedded lab's OVN, OpenStack, Kubernetes, VMware) behind one small
 * interface. Every create is journaled before it happens, so `destroy` and `netvet cleanup` can
 * undo it in reverse order even after a crash.
 */
export interface Orchestrator {
  readonly name: string;
  apply(topology: Topology, journal: RunJournal): Promise<Deployment>;
  /** Undoes what the journal lists, newest first; tolerates what is already gone. */
  undo(journal: RunJournal): Promise<void>;
  /** Removes anything whose name carries `prefix`, journal or not; returns what it removed. */
  sweep(prefix: string): Promise<string[]>;
  associateFloatingIp(deployment: Deployment, floatingIp: string, workload: string, port?: number): Promise<void>;
  disassociateFloatingIp(deployment: Deployment, floatingIp: string): Promise<void>;
  /** Adds a rule to a built security group, checked as the file's rules are; in effect on every chassis when it returns. */
  addSecurityGroupRule(deployment: Deployment, group: string, rule: SecurityGroupRuleSpec): Promise<void>;
  /** Removes a rule the group has (from the file or added since); in effect on every chassis when it returns. */
  removeSecurityGroupRule(deployment: Deployment, group: string, rule: SecurityGroupRuleSpec): Promise<void>;
  /** The orchestrator's and SDN's own view, attached to the report when a test fails. */
  diagnose(deployment: Deployment): Promise<Array<{ name: string; body: string }>>;
}
