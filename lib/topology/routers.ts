import type { Resolution, SubnetBlock } from './context';
import type { Router, RouterInterface } from './model';
import { overlaps } from './ipv4';
import { checkHost, routesVia } from './networks';
import type { RouterSpec, TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';

/** A router before MACs are planned. */
export type RouterDraft = Omit<Router, 'interfaces'> & { interfaces: Omit<RouterInterface, 'mac'>[] };

export function resolveRouters(ctx: Resolution, spec: TopologySpec): RouterDraft[] {
  const seen = new Map<string, Path>();
  return spec.routers.map((router, n) => {
    const path = ['routers', n];
    ctx.unique(seen, 'router', router.name, path);
    const tenant = ctx.tenant(path, router.tenant);
    const attached: SubnetBlock[] = [];
    const interfaces = router.interfaces.flatMap((item, i) => {
      const resolved = resolveInterface(ctx, router, tenant, item, [...path, 'interfaces', i], attached);
      return resolved ? [resolved] : [];
    });
    const gateway = router.externalGateway;
    return {
      name: router.name,
      tenant,
      interfaces,
      externalGateway: gateway ? { snat: gateway.snat, address: gateway.address ?? null } : null,
      routes: routesVia(ctx, router.routes, [...path, 'routes'], attached),
      source: ctx.place(path),
    };
  });
}

function resolveInterface(
  ctx: Resolution,
  router: RouterSpec,
  tenant: string,
  item: RouterSpec['interfaces'][number],
  path: Path,
  attached: SubnetBlock[],
): Omit<RouterInterface, 'mac'> | undefined {
  const spec = typeof item === 'string' ? { network: item, subnet: undefined, address: undefined } : item;
  const networkPath = typeof item === 'string' ? path : [...path, 'network'];
  const network = ctx.network(networkPath, spec.network);
  if (!network) return undefined;
  if (network.external) {
    ctx.fail(networkPath, `router '${router.name}' has an interface on external network '${network.name}'`, 'connect a router to the external network with externalGateway');
    return undefined;
  }
  if (network.tenant !== tenant && !network.shared) {
    ctx.fail(networkPath, `network '${network.name}' belongs to tenant '${network.tenant}', but router '${router.name}' to tenant '${tenant}'`, 'attach a router only to networks of its own tenant, or mark the network shared: true');
    return undefined;
  }
  const found = ctx.subnet([...path, 'subnet'], network, spec.subnet);
  if (!found) return undefined;
  const { subnet, block } = found;
  if (attached.some((a) => a.subnet.name === subnet.name)) {
    ctx.fail(path, `router '${router.name}' already has an interface on subnet '${subnet.name}'`, 'remove one: a router has one interface per subnet');
    return undefined;
  }
  // Subnets of different tenants may overlap, but one router cannot route to both.
  const clash = attached.find((a) => overlaps(a.block, block));
  if (clash) {
    ctx.fail(path, `router '${router.name}' cannot join subnet '${subnet.name}' (${subnet.cidr}): it overlaps subnet '${clash.subnet.name}' (${clash.subnet.cidr}) on the same router`, 'use a router per overlapping subnet, and reach across by floating IPs');
    return undefined;
  }
  const address = spec.address ?? subnet.gateway;
  if (address === null) {
    ctx.fail(path, `subnet '${subnet.name}' has no gateway, so the interface needs an address`, `add address: <a host address of ${subnet.cidr}>`);
    return undefined;
  }
  if (spec.address !== undefined && !checkHost(ctx, [...path, 'address'], 'interface address', spec.address, subnet, block)) return undefined;
  ctx.claim(subnet, address, spec.address === undefined ? path : [...path, 'address'], `router '${router.name}'`);
  attached.push(found);
  return { network: network.name, subnet: subnet.name, cidr: subnet.cidr, address, prefixLength: subnet.prefixLength, source: ctx.place(path) };
}
