import type { Target } from '../../target/schema';
import { run } from '../../util/exec';
import type { Neutron } from './neutron';
import { maskSecrets } from './session';

/** Neutron's view of a deployment's projects, and OVN's where the target gives its databases: for a failed test's report. */
export async function describeState(target: Target, neutron: Neutron, projects: string[]): Promise<Array<{ name: string; body: string }>> {
  const dump = async (kind: 'network' | 'subnet' | 'port' | 'router' | 'security_group' | 'floatingip') => {
    const rows = (await Promise.all(projects.map((project_id) => neutron.list(kind, { project_id })))).flat();
    return { name: `Neutron ${kind}s`, body: maskSecrets(JSON.stringify(rows, null, 2)) };
  };
  const views = [dump('network'), dump('subnet'), dump('port'), dump('router'), dump('security_group'), dump('floatingip')];
  if (target.ovn) {
    const text = async (name: string, argv: string[]) => ({ name, body: (await run(argv, { allowFail: true, timeoutMs: 20_000 })).stdout });
    views.push(text('ovn-nbctl show', ['ovn-nbctl', `--db=${target.ovn.northbound}`, 'show']), text('ovn-sbctl show', ['ovn-sbctl', `--db=${target.ovn.southbound}`, 'show']));
  }
  return Promise.all(views.map((v) => v.catch((error: Error) => ({ name: 'Neutron state', body: maskSecrets(error.message) }))));
}
