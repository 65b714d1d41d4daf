import { Netmask } from 'netmask';
import { LocalShell } from '../access';
import type { Deployment } from '../orchestrators';
import type { TargetHosts } from '../target/hosts';
import type { TargetHost } from '../target/schema';
import { NetvetError } from '../util/errors';
import type { Endpoint } from './matrix';

const RUNNER = 'runner';

/**
 * Where probes reach a target host: an external host at its address on the external network (its
 * management address may be on another network, so replies would come from an address NAT does
 * not expect), any other host at its management address.
 */
function hostAddress(hosts: TargetHosts, host: TargetHost): string {
  if (!host.roles.includes('external')) return host.management;
  if (host.external) return host.external.address;
  // A management address inside the external network is the host's place on it.
  const cidr = hosts.target.externalNetwork?.cidr;
  if (cidr && new Netmask(cidr).contains(host.management)) return host.management;
  throw new NetvetError(
    `external host ${host.name} of target '${hosts.target.name}' gives no address on the external network${cidr ? ` (${cidr})` : ''}, and its management address ${host.management} is not on it`,
    `add hosts[].external.address to ${host.name} in the target file: the address it answers from on the external network`,
  );
}

/**
 * Names a scenario may use as probe sources and destinations: workloads (`vm1`, or `vm1:eth1` for
 * another port), floating IPs (by name), target hosts (`ext1`), `runner` (this machine, on the
 * external network) and literal addresses.
 */
export function endpointResolver(deployment: Deployment, hosts: TargetHosts): (name: string) => Endpoint {
  return (name) => {
    const [workloadName, iface] = name.split(':');
    const workload = deployment.workloads[workloadName];
    if (workload) {
      const port = iface ? workload.ports.find((p) => p.interface === iface) : workload.ports[0];
      if (!port) throw new NetvetError(`workload ${workloadName} has no interface ${iface}`, `use one of: ${workload.ports.map((p) => p.interface).join(', ')}`);
      return { name, address: port.address, shell: workload.shell, answersAs: workload.name };
    }
    const fip = deployment.floatingIps[name];
    if (fip) return { name, address: fip.address, answersAs: fip.workload ?? undefined };
    if (name === RUNNER) {
      const address = hosts.target.externalNetwork?.runnerAddress;
      if (!address) throw new NetvetError(`target '${hosts.target.name}' gives the runner no external address`, 'set externalNetwork.runnerAddress in the target file');
      return { name, address, shell: new LocalShell() };
    }
    const host = hosts.target.hosts.find((h) => h.name === name);
    if (host) return { name, address: hostAddress(hosts, host), shell: hosts.shell(name) };
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return { name, address: name };
    throw new NetvetError(
      `'${name}' is no workload, floating IP or host of this deployment`,
      `use one of: ${[...Object.keys(deployment.workloads), ...Object.keys(deployment.floatingIps), RUNNER, ...hosts.target.hosts.map((h) => h.name)].join(', ')}`,
    );
  };
}
