import type { Deployment, Orchestrator } from '../orchestrators/types';
import type { ChangeJournal, EncapsulationChange } from '../target/changes';
import type { TargetHosts } from '../target/hosts';
import type { Encapsulation, Target, TargetHost } from '../target/schema';
import type { Outage } from '../traffic/monitor';
import type { ProbeKind } from '../traffic/probe';

/** A named text for the report (a table dump, a log tail). */
export interface Attachment {
  name: string;
  body: string;
}

/** What a frame between nodes carries a network's id in: a tunnel header, or an 802.1Q tag. */
export type WireKind = Encapsulation | 'vlan';

/** A network as the SDN identifies it: what a tunnel between nodes carries for its packets. */
export interface NetworkSegment {
  network: string;
  /** The network's own id in the SDN (OVN: the datapath's tunnel key; a VLAN id; a VRF's label). */
  id: number;
  /**
   * The id a tunnel of `kind` carries for a packet to the workload port `port` (its `id`): the VNI
   * for Geneve and VXLAN, the bottom MPLS label for MPLSoUDP/MPLSoGRE, the VLAN id for `vlan`.
   * Throws for a kind the SDN does not carry this network with.
   */
  onWire(kind: WireKind, port: string): number;
  /**
   * True where the tunnel carries the packet routed (a BGP IP VPN): a frame inside it, if any, is
   * addressed between the PEs' gateways, not between the workloads' own MACs.
   */
  readonly routed?: boolean;
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
  details: Attachment[];
}

/** A target host as the SDN knows it (OVN: a chassis), read from the SDN, never assumed from the host's name. */
export interface SdnNode {
  host: string;
  /** The SDN's name for it (OVN: the chassis name, its system-id). */
  name: string;
  /** Addresses its tunnels start and end on, with their kinds. */
  tunnels: Array<{ kind: string; address: string }>;
}

/**
 * The tunnel encapsulation of a whole deployment switched at run time and put back: done means the
 * SDN's own state agrees. The originals are journaled before anything changes, so `netvet cleanup`
 * restores them after a killed run.
 */
export interface EncapsulationSwitch {
  switchTo(kind: Encapsulation): Promise<void>;
  /** How the nodes differ now from what the last switch set, in words; empty when they all agree. */
  disagreements(): Promise<string[]>;
  /** Puts back what each node had before the first switch; does nothing when nothing was switched. */
  restore(): Promise<void>;
  /** Restores what a killed run's switch recorded (`netvet cleanup`); forgets the record once done. */
  restoreRecorded(change: EncapsulationChange, journal: ChangeJournal): Promise<void>;
}

/** One step of an upgrade procedure and how long it took. */
export interface UpgradeStep {
  step: string;
  ms: number;
  /** What the step saw (a converted schema version, say). */
  detail?: string;
}

/** One injected fault: what it broke, when, and how to put it back; undoing twice is harmless. */
export interface InjectedFault {
  readonly description: string;
  readonly at: number;
  readonly undoneAt?: number;
  readonly undone: boolean;
  undo(): Promise<void>;
}

/** A fault on one host (the member that was the leader, the controller that was active). */
export interface HostFault extends InjectedFault {
  readonly host: string;
}

/** The replicated databases of an SDN's control plane, by role. */
export type ControlDatabase = 'northbound' | 'southbound';

/**
 * Faults through the target's hosts only (signals to daemons found by their pid files, links,
 * packet filters), each recorded with its undo; `undoAll` puts everything back, newest first.
 */
export interface SdnFaults {
  readonly all: readonly InjectedFault[];
  kill(host: string, daemon: string): Promise<HostFault>;
  stop(host: string, daemon: string): Promise<HostFault>;
  restart(host: string, daemon: string): Promise<{ downMs: number }>;
  killRaftLeader(database: ControlDatabase): Promise<HostFault>;
  killCluster(database: ControlDatabase): Promise<InjectedFault>;
  /** The controller that computes the flows (OVN: the active ovn-northd). */
  killActiveNorthd(): Promise<HostFault>;
  chassisDown(host: string): Promise<HostFault>;
  linkDown(host: string, link: string): Promise<HostFault>;
  /** Cuts a host off from `peers` (default: its control-plane peers). */
  isolate(host: string, peers?: string[]): Promise<HostFault>;
  undoAll(): Promise<void>;
}

export interface WriteReport {
  attempts: number;
  succeeded: number;
  failed: number;
  /** Longest time without a committed write, less the write interval. */
  longestOutageMs: number;
  outages: Outage[];
  /** The last committed value reads back from the database after the probe stopped. */
  durable: boolean;
  errors: Record<string, number>;
}

/** Configuration writes through the control plane as a CMS makes them, measuring when they could not commit. */
export interface ConfigWrites {
  /** What the writes set (OVN: a key of NB_Global external_ids), removed when they stop. */
  readonly key: string;
  /** The value of the newest committed write (they count up from 1), 0 before the first. */
  readonly lastCommitted: number;
  /** Resolves once `count` writes committed, so a fault lands on writes known to work. */
  committed(count: number, withinMs?: number): Promise<void>;
  /** Stops writing and removes what they set; a second call returns the first report. */
  stop(): Promise<WriteReport>;
}

/** The SDN's health: every problem names what is wrong and the fix. */
export interface SdnHealth {
  healthy: boolean;
  problems: string[];
  /** The whole report, as `lab status` and `target check` print it. */
  text: string;
}

/**
 * What each SDN needs an orchestrator to tell it about a deployment: how the SDN's objects made for
 * it are named, and how to say them in the topology's words. Each SDN folder adds its entry by
 * declaration merging (lib/sdn/ovn/binding.ts adds `ovn`), so the orchestrator interface names no
 * SDN type.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface SdnBindings {}

/**
 * One SDN (OVN; a BGP VPN next) as netvet observes and perturbs it, whoever drives it: health,
 * nodes, network segments and their on-wire ids, explanations of a flow's fate in the topology's
 * words, what drifted from what a deployment asked for, and diagnostics for the report.
 */
export interface Sdn {
  readonly name: string;
  health(): Promise<SdnHealth>;
  /** The versions its own parts report (`ovn-northd: 24.03.2`), for the report's environment; absent where the SDN cannot say. */
  versions?(): Promise<Record<string, string>>;
  /** Polls until healthy or `withinMs` passes; the last health seen either way. */
  healthWithin(withinMs: number): Promise<SdnHealth>;
  /** Switches the encapsulation of every node (`targetFile` is journaled so cleanup can reach the target again). */
  encapsulationSwitch(targetFile: string): EncapsulationSwitch;
  /** The SDN's own rolling upgrade when the target gives no upgrade command: every daemon restarted in turn, healthy after each. */
  rollingUpgrade(log: (line: string) => void): Promise<UpgradeStep[]>;
  /** Fault injection into the SDN's control plane and data path; `log` gets a line per fault and undo. */
  faults(log: (line: string) => void): SdnFaults;
  /** Starts configuration writes named `key` (stopped by the caller). */
  configWrites(key: string): ConfigWrites;
  nodes(): Promise<SdnNode[]>;
  /** How the SDN identifies one of a deployment's networks, and the id its tunnels carry on the wire. */
  segment(deployment: Deployment, network: string, orchestrator: Orchestrator): Promise<NetworkSegment>;
  /** What decides a flow's fate, traced through the datapath (OVN: ovn-trace); absent where the SDN cannot say. */
  explain?(deployment: Deployment, flow: ExplainedFlow, orchestrator: Orchestrator): Promise<Evidence>;
  /**
   * What the SDN holds now that differs from what the deployment asked for ("security group web:
   * its 6 ACLs are gone"), in the topology's words; empty when nothing drifted.
   */
  drift(deployment: Deployment, orchestrator: Orchestrator): Promise<string[]>;
  /** The SDN's own view of a deployment, attached to the report when a test fails. */
  diagnose(deployment: Deployment, orchestrator: Orchestrator): Promise<Attachment[]>;
}

/** What `netvet target init` is given: the SDN's endpoints and how to reach hosts. */
export interface DiscoveryRequest {
  northbound: string;
  southbound: string;
  ssh: { user: string; port: number; privateKey: string };
  /** Host names as the operator knows them, by management address (`--host NAME=ADDRESS`). */
  names: Record<string, string>;
  /** The provider network the gateways map, when the operator names it. */
  physicalNetwork?: string;
}

/** What an SDN found of a deployment: the parts of a target file it can fill, and notes on what it could not. */
export interface Discovery {
  hosts: TargetHost[];
  ovn: Target['ovn'];
  encapsulation: Target['encapsulation'];
  physicalNetwork?: string;
  /** The MTU a workload interface can have: the narrowest underlay less the tunnel headers. */
  workloadMtu?: number;
  notes: string[];
}

/** An SDN netvet knows: its name, what it offers a target, and how to open it. */
export interface SdnKind {
  readonly name: string;
  readonly summary: string;
  /** Capabilities the SDN gives a target, from the target's facts (its encapsulations, its databases). */
  capabilities(target: Target): string[];
  open(target: Target, hosts: TargetHosts): Promise<Sdn>;
  /** Finds a deployment from its endpoints and hosts, for `netvet target init`. */
  discover(request: DiscoveryRequest): Promise<Discovery>;
}
