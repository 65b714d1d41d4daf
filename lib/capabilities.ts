import { ORCHESTRATOR_NAMES } from './orchestrators/registry';
import { SDN_NAMES } from './sdn/registry';
import { encapsulation } from './target/schema';
import { closest } from './util/yaml/suggest';

/**
 * The one registered list of capabilities, as lib/tags.ts is for tags. A scenario asks for these
 * (`{ type: 'requires', description: 'snat' }`) and is skipped on a target that lacks one; a name
 * not listed here fails the scenario (fixtures/catalog.ts), so a typo can never skip it forever.
 * The table in README.md is generated from this list (`npm run schemas`).
 */
export interface Capability {
  /** The name scenarios ask for; `<kind>` marks a parametric part (`encap:<kind>`). */
  name: string;
  /** What a scenario may rely on when the target has it, in one line. */
  meaning: string;
  /** Who provides it: a target fact (written by `lab up` from its profile, or by hand), the SDN, or the driver. */
  providedBy: string;
  /** For a pattern, the values its `<...>` part may take. */
  values?: readonly string[];
}

/** Host counts a scenario may ask for (`compute:3`). */
const COUNTS = Array.from({ length: 16 }, (_, i) => String(i + 1));

export const CAPABILITIES: readonly Capability[] = [
  { name: 'ssh:hosts', meaning: 'every host of the target is reachable over SSH from the runner', providedBy: 'target fact (every lab)' },
  { name: 'dhcp', meaning: 'workloads get their addresses by DHCP from the SDN', providedBy: 'target fact (every lab)' },
  { name: 'external:host', meaning: 'a host on the external network (role external): scenarios run responders and captures on it over SSH', providedBy: 'target fact (derived from hosts)' },
  { name: 'gateway', meaning: 'a gateway chassis connects routers to the external network', providedBy: 'target fact (lab profile with a gateway)' },
  { name: 'snat', meaning: 'routers translate source addresses towards the external network', providedBy: 'target fact (lab profile with a gateway)' },
  { name: 'fip', meaning: 'floating IPs: a workload reachable from outside at an external address', providedBy: 'target fact (lab profile with a gateway)' },
  { name: 'nat:port-forwarding', meaning: 'an external address and port forwarded to a workload port', providedBy: 'target fact (lab profile with a gateway)' },
  { name: 'ha:gateway', meaning: 'two or more gateway chassis: a router fails over when one goes', providedBy: 'target fact (lab profile with 2 gateways)' },
  { name: 'ha:nb-cluster', meaning: 'the northbound database is a Raft cluster of 3 or more members', providedBy: 'target fact (lab profile with 3 control members)' },
  { name: 'ha:sb-cluster', meaning: 'the southbound database is a Raft cluster of 3 or more members', providedBy: 'target fact (lab profile with 3 control members)' },
  { name: 'ha:northd', meaning: 'two or more ovn-northd, one active, the others on standby', providedBy: 'target fact (lab profile with 2 northd)' },
  { name: 'underlay:separate', meaning: 'tunnel traffic has its own uplinks, apart from the management network', providedBy: 'target fact (every lab)' },
  { name: 'underlay:routed', meaning: 'chassis sit in two data subnets joined by a router host', providedBy: 'target fact (lab profile routed.yaml)' },
  { name: 'underlay:bond', meaning: 'every chassis uplink is an active-backup bond of two links', providedBy: 'target fact (lab profile bond.yaml)' },
  { name: 'gui:horizon', meaning: 'the OpenStack dashboard, for GUI scenarios', providedBy: 'target fact (OpenStack lab with a dashboard); dropped by ovn-northbound' },
  {
    name: 'encap:<kind>',
    meaning: 'tenant networks can use this encapsulation on the wire',
    providedBy: 'SDN (encapsulation.supported); openstack keeps only the current one',
    values: encapsulation.options,
  },
  { name: 'encap:switchable', meaning: 'the encapsulation of existing networks can be switched at run time', providedBy: 'SDN (2+ supported, hosts over SSH); not through openstack' },
  { name: 'ovn:trace', meaning: 'ovn-trace explains why a flow passed or was dropped', providedBy: 'SDN ovn (target file has an ovn section)' },
  { name: 'policy', meaning: 'network policies (topology section policies)', providedBy: 'driver section (ovn-northbound)' },
  { name: 'service-chain', meaning: 'service chains steering flows through service workloads', providedBy: 'driver section (ovn-northbound)' },
  { name: 'mirror', meaning: 'port mirrors copying a port\'s traffic to a collector', providedBy: 'driver section (ovn-northbound)' },
  { name: 'compute:<n>', meaning: 'at least n compute hosts that run workloads (placement spreads over them)', providedBy: 'target fact (derived from hosts)', values: COUNTS },
  { name: 'compute-without-gateway:<n>', meaning: 'at least n compute hosts that run workloads and are no gateway', providedBy: 'target fact (derived from hosts)', values: COUNTS },
  { name: 'gateway:<n>', meaning: 'at least n gateway hosts that run workloads', providedBy: 'target fact (derived from hosts)', values: COUNTS },
  { name: 'gateway-without-compute:<n>', meaning: 'at least n gateway hosts that run workloads and are no compute host', providedBy: 'target fact (derived from hosts)', values: COUNTS },
  { name: 'sdn:<name>', meaning: 'the SDN that carries the traffic', providedBy: 'netvet, from the target file\'s sdn', values: SDN_NAMES },
  { name: 'orchestrator:<name>', meaning: 'the driver that builds topologies in this run', providedBy: 'netvet, from the driver in use', values: ORCHESTRATOR_NAMES },
];

/** Every concrete name a scenario may ask for: fixed names, and each pattern with each of its values. */
export function capabilityNames(): string[] {
  return CAPABILITIES.flatMap((c) => (c.values ? c.values.map((v) => c.name.replace(/<[^>]+>/, v)) : [c.name]));
}

export function isRegisteredCapability(name: string): boolean {
  return capabilityNames().includes(name);
}

/** Why `name` is not a capability and the fix (the likely one it misspells); undefined when it is registered. */
export function unknownCapability(name: string): { message: string; fix: string } | undefined {
  if (isRegisteredCapability(name)) return undefined;
  const near = closest(name, capabilityNames());
  return {
    message: `capability '${name}' is not registered (lib/capabilities.ts)`,
    fix: near ? `did you mean '${near}'?` : `use one of: ${CAPABILITIES.map((c) => c.name).join(' ')}`,
  };
}

/** The same as one line, for the scenario catalog. */
export function capabilityProblem(name: string): string | undefined {
  const unknown = unknownCapability(name);
  return unknown && `${unknown.message}: ${unknown.fix}`;
}

const BEGIN = '<!-- capabilities:begin (generated by `npm run schemas` from lib/capabilities.ts) -->';
const END = '<!-- capabilities:end -->';

/** The Markdown table README.md shows, between its markers. */
export function capabilityTable(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = CAPABILITIES.map((c) => {
    const name = c.values ? `\`${c.name}\` (${c.values.join(', ')})` : `\`${c.name}\``;
    return `| ${name} | ${cell(c.meaning)} | ${cell(c.providedBy)} |`;
  });
  return ['| Capability | Meaning | Provided by |', '| --- | --- | --- |', ...rows].join('\n');
}

/** `readme` with its capability table regenerated; throws when the markers are missing. */
export function withCapabilityTable(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md needs the markers ${BEGIN} and ${END}`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${capabilityTable()}\n${readme.slice(end)}`;
}
