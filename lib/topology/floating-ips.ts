import type { Resolution } from './context';
import type { FloatingIp } from './model';
import type { RouterDraft } from './routers';
import type { FloatingIpSpec, TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';
import type { WorkloadDraft } from './workloads';
import { resolvePortForwardings } from './port-forwardings';

export function resolveFloatingIps(ctx: Resolution, spec: TopologySpec, workloads: WorkloadDraft[], routers: RouterDraft[]): FloatingIp[] {
  const seen = new Map<string, Path>();
  const bound = new Map<string, string>();
  const addresses = new Map<string, Path>();
  return spec.floatingIps.map((fip, n) => {
    const path = ['floatingIps', n];
    ctx.unique(seen, 'floating IP', fip.name, path);
    if (fip.address !== undefined) {
      const first = addresses.get(fip.address);
      if (first) ctx.fail([...path, 'address'], `floating IP address ${fip.address} is already used on line ${ctx.place(first).line}`, 'give each floating IP its own address');
      else addresses.set(fip.address, [...path, 'address']);
    }
    const workload = fip.workload === undefined ? undefined : findWorkload(ctx, workloads, fip.workload, [...path, 'workload']);
    if (fip.workload === undefined && fip.port !== undefined) {
      ctx.fail([...path, 'port'], 'a port is given but no workload', 'add workload: <name>, or remove port');
    }
    if (workload) checkBinding(ctx, fip, workload, routers, bound, path);
    // A floating IP that forwards ports belongs, like its targets, to their tenant.
    const forwardedTo = workloads.find((w) => w.name === fip.portForwardings[0]?.workload);
    const tenant = tenantOf(ctx, fip, workload ?? forwardedTo, path);
    if (workload && tenant !== workload.tenant) {
      ctx.fail([...path, 'tenant'], `floating IP '${fip.name}' belongs to tenant '${tenant}', but workload '${workload.name}' to tenant '${workload.tenant}'`, 'leave tenant out: it follows the workload');
    }
    return {
      name: fip.name,
      tenant,
      workload: workload?.name ?? null,
      port: workload ? (fip.port ?? 0) : null,
      address: fip.address ?? null,
      portForwardings: resolvePortForwardings(ctx, fip, tenant, routers, (name, at) => findWorkload(ctx, workloads, name, at), path),
      source: ctx.place(path),
    };
  });
}

function tenantOf(ctx: Resolution, fip: FloatingIpSpec, workload: WorkloadDraft | undefined, path: Path): string {
  if (fip.tenant !== undefined) return ctx.tenant(path, fip.tenant);
  if (workload) return workload.tenant;
  // An unknown workload is reported already; a guess at its tenant is not worth a second error.
  if (fip.workload !== undefined) return ctx.tenants[0];
  return ctx.tenant(path, undefined);
}

/** A workload by name after count expansion; naming a group of replicas asks for one of them. */
function findWorkload(ctx: Resolution, workloads: WorkloadDraft[], name: string, path: Path): WorkloadDraft | undefined {
  const workload = workloads.find((w) => w.name === name);
  if (workload) return workload;
  const replicas = workloads.filter((w) => w.group === name).map((w) => w.name);
  if (replicas.length) ctx.fail(path, `workload '${name}' has ${replicas.length} replicas`, `name one of them: ${replicas.join(', ')}`);
  else ctx.fail(path, `unknown workload '${name}'`, suggestion(name, workloads.map((w) => w.name), 'workloads'));
  return undefined;
}

/** The port exists, has no other floating IP, and its subnet reaches the external network through a router. */
function checkBinding(ctx: Resolution, fip: FloatingIpSpec, workload: WorkloadDraft, routers: RouterDraft[], bound: Map<string, string>, path: Path): void {
  const index = fip.port ?? 0;
  const port = workload.ports.find((p) => p.index === index);
  const count = workload.declaredPorts;
  if (!port) {
    // A port that exists but failed to resolve has its own error already.
    if (index < count) return;
    ctx.fail([...path, fip.port === undefined ? 'workload' : 'port'], `workload '${workload.name}' has no port ${index} (it has ${count} port${count === 1 ? '' : 's'})`, count === 1 ? 'use port 0, or leave port out' : `use a port index from 0 to ${count - 1}`);
    return;
  }
  const key = `${workload.name}/${index}`;
  const other = bound.get(key);
  if (other) ctx.fail(path, `port ${index} of workload '${workload.name}' already has floating IP '${other}'`, 'bind each floating IP to its own port');
  else bound.set(key, fip.name);
  if (!routers.some((r) => r.externalGateway && r.interfaces.some((i) => i.subnet === port.subnet))) {
    ctx.fail(
      path,
      `floating IP '${fip.name}' cannot reach workload '${workload.name}': its subnet '${port.subnet}' is not on a router with an external gateway`,
      'attach the subnet to a router that has externalGateway',
    );
  }
}
