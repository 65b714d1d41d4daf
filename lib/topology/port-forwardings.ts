import type { Resolution } from './context';
import type { PortForwarding } from './model';
import type { RouterDraft } from './routers';
import type { FloatingIpSpec } from './schema';
import type { Path } from '../util/yaml/source';
import type { WorkloadDraft } from './workloads';

/**
 * Port forwardings of one floating IP, checked as OpenStack checks them: the floating IP is bound to
 * no workload, each (protocol, external port) is forwarded once, every target port exists in the
 * floating IP's tenant, and all targets sit behind one router with an external gateway (the floating
 * IP lives on that router).
 */
export function resolvePortForwardings(
  ctx: Resolution,
  fip: FloatingIpSpec,
  tenant: string,
  routers: RouterDraft[],
  find: (name: string, path: Path) => WorkloadDraft | undefined,
  path: Path,
): PortForwarding[] {
  if (fip.portForwardings.length && fip.workload !== undefined) {
    ctx.fail([...path, 'portForwardings'], `floating IP '${fip.name}' is bound to workload '${fip.workload}' and also forwards ports`, 'remove workload (a floating IP with port forwardings is bound to no workload), or remove portForwardings');
    return [];
  }
  const forwarded = new Map<string, number>();
  let router: { name: string; at: number } | undefined;
  return fip.portForwardings.flatMap((spec, i): PortForwarding[] => {
    const at = [...path, 'portForwardings', i];
    const key = `${spec.protocol}/${spec.externalPort}`;
    const first = forwarded.get(key);
    if (first !== undefined) ctx.fail([...at, 'externalPort'], `${key} of floating IP '${fip.name}' is already forwarded by entry ${first}`, 'forward each external port once per protocol');
    else forwarded.set(key, i);
    const workload = find(spec.workload, [...at, 'workload']);
    if (!workload) return [];
    const index = spec.port ?? 0;
    const port = workload.ports.find((p) => p.index === index);
    if (!port) {
      if (index >= workload.declaredPorts) ctx.fail([...at, 'port'], `workload '${workload.name}' has no port ${index}`, `use a port index below ${workload.declaredPorts}`);
      return [];
    }
    if (workload.tenant !== tenant) {
      ctx.fail([...at, 'workload'], `workload '${workload.name}' belongs to tenant '${workload.tenant}', but floating IP '${fip.name}' to tenant '${tenant}'`, 'forward only to workloads of the floating IP\'s tenant');
    }
    const serving = routers.find((r) => r.externalGateway && r.interfaces.some((iface) => iface.subnet === port.subnet));
    if (!serving) {
      ctx.fail(at, `port forwarding to workload '${workload.name}' cannot work: its subnet '${port.subnet}' is not on a router with an external gateway`, 'attach the subnet to a router that has externalGateway');
    } else if (router && router.name !== serving.name) {
      ctx.fail(at, `port forwarding to workload '${workload.name}' goes through router '${serving.name}', but entry ${router.at} through router '${router.name}'`, 'forward one floating IP only to workloads behind one router');
    } else {
      router ??= { name: serving.name, at: i };
    }
    return [{ protocol: spec.protocol, externalPort: spec.externalPort, internalPort: spec.internalPort, workload: workload.name, port: index, source: ctx.place(at) }];
  });
}
