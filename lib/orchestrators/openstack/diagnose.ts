import type { Neutron } from './neutron';
import { maskSecrets } from './session';

/** Neutron's view of a deployment's projects, for a failed test's report (the SDN adds its own). */
export async function describeState(neutron: Neutron, projects: string[]): Promise<Array<{ name: string; body: string }>> {
  const dump = async (kind: 'network' | 'subnet' | 'port' | 'router' | 'security_group' | 'floatingip') => {
    const rows = (await Promise.all(projects.map((project_id) => neutron.list(kind, { project_id })))).flat();
    return { name: `Neutron ${kind}s`, body: maskSecrets(JSON.stringify(rows, null, 2)) };
  };
  const views = [dump('network'), dump('subnet'), dump('port'), dump('router'), dump('security_group'), dump('floatingip')];
  return Promise.all(views.map((v) => v.catch((error: Error) => ({ name: 'Neutron state', body: maskSecrets(error.message) }))));
}
