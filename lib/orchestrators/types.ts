import type { Shell } from '../access';
import type { Encapsulation } from '../target/schema';
import type { Topology } from '../topology';
import type { ProbeKind } from '../traffic/probe';
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

/** A network as the SDN identifies it: what a tunnel between chassis carries for its packets. */
export interface NetworkSegment {
  network: string;
  /** The network's own id: OVN's datapath tunnel key, Neutron's segmentation id. */
  id: number;
  /**
   * The id a tunnel of `kind` carries for a packet to the workload port `port` (its `id`): the VNI
   * for Geneve and VXLAN, the bottom MPLS label for MPLSoUDP/MPLSoGRE. Throws for a kind the SDN
   * does not tunnel with.
   */
  onWire(kind: Encapsulation, port: string): number;
}

/** One probe's flow, for `explain`: endpoint names as the scenario wrote them, and their addresses. */
export interface ExplainedFlow {
  from: string;
  to: string;
  kind: ProbeKind;
  port?: number;
  sourceAddress: string;
  destinationAddress: string;
  /** What the probe saw, so the evidence can say where to look when the datapath disagrees. */
  observed?: 'allow' | 'deny';
}

/** The datapath's own account of a flow: what decided it, in plain words, and the raw material. */
export interface Evidence {
  /** The deciding stage: `dropped by ACL "..." (to-lport, priority 1001, drop) ... on switch nv1-net1`. */
  verdict: string;
  /** Each decision on the way (ACLs, routes, NAT), then what became of the packet (and of its reply). */
  path: string[];
  /** For the report: the datapath trace, the logical flows of the deciding stages. */
  details: Array<{ name: string; body: string }>;
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
  /** How the SDN identifies one of the deployment's networks, and the id its tunnels carry on the wire. */
  networkSegment(deployment: Deployment, network: string): Promise<NetworkSegment>;
  /** Sets one network policy rule (by its index in the file) to allow or deny at run time; in effect on every chassis when it returns. */
  setPolicyRuleAction(deployment: Deployment, policy: string, rule: number, action: 'allow' | 'deny'): Promise<void>;
  /**
   * Runs a service chain's health check: the chain then steers traffic only to its live instances
   * (and drops it when none is). Returns each instance's state, by workload name.
   */
  checkServiceChain(deployment: Deployment, chain: string): Promise<Record<string, 'up' | 'down'>>;
  /** The orchestrator's and SDN's own view, attached to the report when a test fails. */
  diagnose(deployment: Deployment): Promise<Array<{ name: string; body: string }>>;
  /** Where the target can trace a flow through its datapath (OVN: ovn-trace): what decides its fate. */
  explain?(deployment: Deployment, flow: ExplainedFlow): Promise<Evidence>;
  /** A kept deployment (NETVET_KEEP, `topology apply`) rebuilt from its journal and the target, to debug it later. */
  reattach?(topology: Topology, journal: RunJournal): Promise<Deployment>;
}
