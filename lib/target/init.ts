import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ip2long, long2ip, Netmask } from 'netmask';
import { Document } from 'yaml';
import { LocalShell } from '../access';
import { sdnKind } from '../sdn/registry';
import type { Discovery, DiscoveryRequest } from '../sdn/types';
import { NetvetError } from '../util/errors';
import { targetSchema, type Target } from './schema';

export interface InitRequest extends DiscoveryRequest {
  name: string;
  sdn: string;
  orchestrator: string;
  /** The provider (external) network: its CIDR and the address that routes for it. */
  external?: { cidr: string; gateway: string };
  output: string;
  force?: boolean;
}

/**
 * Router gateways in the lower half of the external network past the first ten addresses, floating
 * IPs in the upper half; each range starts past every address already taken there (the gateway, the
 * runner, the hosts on that network), so netvet never hands out a host's address.
 */
function externalRanges(cidr: string, taken: string[]): Pick<NonNullable<Target['externalNetwork']>, 'floatingIpRange' | 'routerGatewayRange'> {
  const net = new Netmask(cidr);
  if (net.size < 64) throw new NetvetError(`the external network ${cidr} is too small for router gateways and floating IPs`, 'give --external-cidr a /26 or larger');
  const base = ip2long(net.base);
  const half = base + net.size / 2;
  const last = base + net.size - 2;
  const used = taken.filter((a) => net.contains(a)).map(ip2long);
  const after = (from: number, to: number) => Math.max(from, ...used.filter((a) => a >= from && a <= to).map((a) => a + 1));
  const routers = after(base + 10, half - 1);
  const floating = after(half, last);
  if (routers > half - 1 || floating > last) throw new NetvetError(`the external network ${cidr} has no free addresses past its hosts for router gateways and floating IPs`, 'give --external-cidr a larger network');
  return { routerGatewayRange: { start: long2ip(routers), end: long2ip(half - 1) }, floatingIpRange: { start: long2ip(floating), end: long2ip(last) } };
}

/** The runner's source address towards the external network: on it, or routed to it. */
async function runnerAddress(gateway: string): Promise<string | undefined> {
  const { code, stdout } = await new LocalShell().exec(['ip', '-o', 'route', 'get', gateway], { timeoutMs: 5000 });
  return code === 0 ? /\bsrc (\S+)/.exec(stdout)?.[1] : undefined;
}

/** Facts scenarios ask for, from what was found: HA where there is redundancy, NAT where a gateway meets the external network. */
function facts(found: Discovery, external: boolean): string[] {
  const gateways = found.hosts.filter((h) => h.roles.includes('gateway')).length;
  const chassis = found.hosts.filter((h) => h.integrationBridge);
  return [
    'ssh:hosts',
    'dhcp',
    ...((found.ovn?.northboundCluster.length ?? 0) >= 3 ? ['ha:nb-cluster'] : []),
    ...((found.ovn?.southboundCluster.length ?? 0) >= 3 ? ['ha:sb-cluster'] : []),
    ...((found.ovn?.northd.length ?? 0) >= 2 ? ['ha:northd'] : []),
    ...(gateways >= 1 && external ? ['gateway', 'snat', 'fip', 'nat:port-forwarding'] : []),
    ...(gateways >= 2 && external ? ['ha:gateway'] : []),
    ...(chassis.length && chassis.every((h) => h.data && h.data.address !== h.management) ? ['underlay:separate'] : []),
  ];
}

/**
 * `netvet target init`: asks the SDN to find the deployment, and writes a commented target file
 * ready for `netvet target check`; what could not be found is said in the file and returned.
 */
export async function initTarget(request: InitRequest): Promise<{ target: Target; notes: string[] }> {
  if (existsSync(request.output) && !request.force) throw new NetvetError(`${request.output} exists`, 'choose another --output, or add --force to replace it');
  const found = await sdnKind(request.sdn).discover(request);
  const notes = [...found.notes];
  if (!request.external) notes.push('no --external-cidr/--external-gateway: no externalNetwork, so SNAT and floating IP scenarios skip');
  const runner = request.external && (await runnerAddress(request.external.gateway));
  if (request.external && !runner) notes.push(`this machine has no route to ${request.external.gateway}: no externalNetwork.runnerAddress, so scenarios probing from the runner fail`);
  if (request.external && !found.physicalNetwork) notes.push('no gateway maps a provider network (ovn-bridge-mappings): externalNetwork.physicalNetwork is a guess, "physnet"');
  const externalNetwork = request.external && {
    physicalNetwork: found.physicalNetwork ?? 'physnet',
    cidr: request.external.cidr,
    gateway: request.external.gateway,
    ...(runner ? { runnerAddress: runner } : {}),
    ...externalRanges(request.external.cidr, [request.external.gateway, ...(runner ? [runner] : []), ...found.hosts.map((h) => h.management)]),
  };
  const target = targetSchema.parse({
    version: 1,
    name: request.name,
    sdn: request.sdn,
    orchestrator: request.orchestrator,
    access: { ssh: request.ssh },
    hosts: found.hosts,
    ovn: found.ovn,
    encapsulation: found.encapsulation,
    ...(found.workloadMtu ? { workloads: { mtu: found.workloadMtu } } : {}),
    ...(externalNetwork ? { externalNetwork } : {}),
    capabilities: facts(found, request.external !== undefined),
  });
  const document = new Document(target);
  const schema = fileURLToPath(new URL('../../schemas/target.schema.json', import.meta.url));
  document.commentBefore = [
    ` yaml-language-server: $schema=${schema}`,
    ` Written by \`netvet target init\` from ${request.northbound} and ${request.southbound}.`,
    ' Check the host keys (ssh-keyscan saw them) and the roles, then run: netvet target check --target <this file>',
    ...notes.map((n) => ` NOTE: ${n}`),
  ].join('\n');
  await writeFile(request.output, document.toString({ lineWidth: 0 }), { mode: 0o600 });
  return { target, notes };
}
