import type { Resolution } from './context';
import type { Mirror } from './model';
import type { TopologySpec } from './schema';
import type { Path } from '../util/yaml/source';
import { suggestion } from '../util/yaml/suggest';
import type { WorkloadDraft } from './workloads';

/** Port mirrors: each names a workload port that exists; the collector is the target's business. */
export function resolveMirrors(ctx: Resolution, spec: TopologySpec, workloads: WorkloadDraft[]): Mirror[] {
  const seen = new Map<string, Path>();
  return spec.mirrors.flatMap((mirror, n) => {
    const path = ['mirrors', n];
    ctx.unique(seen, 'mirror', mirror.name, path);
    const workload = workloads.find((w) => w.name === mirror.port.workload);
    if (!workload) {
      const replicas = workloads.filter((w) => w.group === mirror.port.workload).map((w) => w.name);
      const where = [...path, 'port', 'workload'];
      if (replicas.length) ctx.fail(where, `workload '${mirror.port.workload}' has ${replicas.length} replicas`, `name one of them: ${replicas.join(', ')}`);
      else ctx.fail(where, `unknown workload '${mirror.port.workload}'`, suggestion(mirror.port.workload, workloads.map((w) => w.name), 'workloads'));
      return [];
    }
    if (mirror.port.index >= workload.declaredPorts) {
      const count = workload.declaredPorts;
      ctx.fail([...path, 'port', 'index'], `workload '${workload.name}' has no port ${mirror.port.index} (it has ${count} port${count === 1 ? '' : 's'})`, `use a port index from 0 to ${count - 1}`);
      return [];
    }
    return [{ name: mirror.name, workload: workload.name, port: mirror.port.index, direction: mirror.direction, collector: typeof mirror.collector === 'string' ? { address: mirror.collector } : { role: mirror.collector.role }, key: mirror.key, source: ctx.place(path) }];
  });
}
