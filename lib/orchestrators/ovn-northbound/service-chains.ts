import type { TargetHosts } from '../../target/hosts';
import type { ServiceChain, Topology } from '../../topology';
import { NetvetError } from '../../util/errors';
import type { Deployment } from '../types';
import { Names } from './names';
import type { Northbound } from './northbound';

const PRIORITY = 100;

export type InstanceState = 'up' | 'down';

/**
 * Service chains as logical router policies: traffic entering the router from `left` for `right`
 * (and back) is rerouted to the instances' addresses, and OVN picks one per flow by hash (ECMP).
 * The `inport` match is what ends the detour: the instance hands the packet back to the router on
 * its service network, where no policy matches, so it is routed normally.
 */
export function serviceChainCommands(names: Names, topology: Topology): string[][] {
  return topology.serviceChains.flatMap((chain, n) => {
    const nexthops = chain.instances.map((i) => instanceAddress(topology, i.workload, i.port));
    return steering(names, topology, chain).flatMap(({ direction, match }) => {
      const id = `@chain${n}${direction}`;
      return [
        [
          `--id=${id}`, 'create', 'Logical_Router_Policy', `priority=${PRIORITY}`, `match=${JSON.stringify(match)}`,
          'action=reroute', `nexthops=${nexthopSet(nexthops)}`,
          `external_ids:netvet=${names.prefix}`, `external_ids:netvet-chain=${names.prefix}${chain.name}`,
        ],
        ['add', 'Logical_Router', names.router(chain.router), 'policies', id],
      ];
    });
  });
}

/**
 * The chain's service health check, as a service orchestrator runs it: each instance's port is
 * looked at on its host (the link state of the chassis end of its interface), and the chain steers
 * traffic only to instances that are up, or drops it when none is: traffic never bypasses the
 * service. OVN 23.03 itself has no liveness check for policy next hops. Returns each instance's state.
 */
export async function checkServiceChain(nb: Northbound, hosts: TargetHosts, deployment: Deployment, chainName: string): Promise<Record<string, InstanceState>> {
  const { topology } = deployment;
  const chain = topology.serviceChains.find((c) => c.name === chainName);
  if (!chain) throw new NetvetError(`topology ${topology.name} has no service chain '${chainName}'`, `use one of: ${topology.serviceChains.map((c) => c.name).join(', ') || '(none)'}`);
  const names = new Names(deployment.prefix);
  const states = await Promise.all(
    chain.instances.map(async (instance): Promise<InstanceState> => {
      const { host } = deployment.workloads[instance.workload];
      const tap = names.tap(names.workloadPort(instance.workload, instance.port));
      const link = await hosts.shell(host).exec(['ovs-vsctl', 'get', 'interface', tap, 'link_state']);
      return link.stdout.trim() === 'up' ? 'up' : 'down';
    }),
  );
  const live = chain.instances.filter((_, i) => states[i] === 'up').map((i) => instanceAddress(topology, i.workload, i.port));
  const mark = `netvet-chain=${names.prefix}${chain.name}`;
  const rows = (await nb.list('Logical_Router_Policy', ['_uuid', 'external_ids'])).filter((row) => row.external_ids.split(' ').includes(mark));
  await nb.run(
    rows.map((row) => ['set', 'Logical_Router_Policy', row._uuid, ...(live.length ? ['action=reroute', `nexthops=${nexthopSet(live)}`] : ['action=drop', 'nexthops=[]'])]),
    { wait: 'hv' },
  );
  return Object.fromEntries(chain.instances.map((i, n) => [i.workload, states[n]]));
}

/** Forward (left to right) and reverse, each matched on the router port it enters by. */
function steering(names: Names, topology: Topology, chain: ServiceChain): Array<{ direction: string; match: string }> {
  const one = (from: string, to: string) =>
    `inport == ${JSON.stringify(names.routerPort(chain.router, from))} && ip4.src == ${cidrs(topology, from)} && ip4.dst == ${cidrs(topology, to)}`;
  return [
    { direction: 'forward', match: one(chain.left, chain.right) },
    { direction: 'reverse', match: one(chain.right, chain.left) },
  ];
}

function instanceAddress(topology: Topology, workload: string, port: number): string {
  return topology.workloads.find((w) => w.name === workload)!.ports[port].address;
}

function cidrs(topology: Topology, network: string): string {
  return `{${topology.networks.find((n) => n.name === network)!.subnets.map((s) => s.cidr).join(', ')}}`;
}

const nexthopSet = (addresses: string[]) => `[${addresses.map((a) => JSON.stringify(a)).join(',')}]`;
