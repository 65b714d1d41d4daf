import { loadCredentials } from '../../../lib/orchestrators/openstack/credentials';
import { Neutron } from '../../../lib/orchestrators/openstack/neutron';
import { Session } from '../../../lib/orchestrators/openstack/session';
import { TargetHosts } from '../../../lib/target/hosts';
import { run } from '../../../lib/util/exec';
import type { FrameworkLab } from './lab';

/** The admin's OpenStack client environment of an OpenStack lab. */
export const cloudEnv = (lab: FrameworkLab) => ({ ...process.env, OS_CLIENT_CONFIG_FILE: lab.target.openstack!.cloudsYaml, OS_CLOUD: lab.target.openstack!.cloud });

/** Neutron as the lab's admin, through netvet's own client: milliseconds a call where the `openstack` CLI takes seconds (racing a scenario). */
export function adminNeutron(lab: FrameworkLab): Neutron {
  const credentials = loadCredentials(lab.target.openstack);
  return new Neutron(new Session({ ...credentials, project: { name: credentials.projectName, domain: credentials.projectDomain } }));
}

/** Runs the `openstack` client as the lab's admin; returns its JSON output. */
export async function openstack<T>(lab: FrameworkLab, ...args: string[]): Promise<T> {
  return JSON.parse((await run(['openstack', ...args, '-f', 'json'], { env: cloudEnv(lab), timeoutMs: 60_000 })).stdout) as T;
}

/**
 * What deployments named with `prefix` could have left: Nova servers (where servers go through
 * Nova), Neutron ports and Keystone projects in any project, OVN switches of their networks, and
 * workload namespaces and OVS ports on the compute hosts. Empty when nothing is left.
 */
export async function openstackLeftovers(lab: FrameworkLab, prefix: string): Promise<string[]> {
  const withNova = lab.target.openstack!.servers === 'nova';
  const [servers, ports, projects] = await Promise.all([
    withNova ? openstack<Array<{ Name: string }>>(lab, 'server', 'list', '--all-projects') : [],
    openstack<Array<{ Name: string }>>(lab, 'port', 'list'),
    openstack<Array<{ Name: string }>>(lab, 'project', 'list'),
  ]);
  const found = [...servers.map((s) => `server ${s.Name}`), ...ports.map((p) => `port ${p.Name}`), ...projects.map((p) => `project ${p.Name}`)].filter((n) => n.includes(` ${prefix}`));
  const switches = (await lab.nbctl('--format=csv', '--no-headings', '--data=bare', '--columns=external_ids', 'list', 'Logical_Switch')).split('\n');
  found.push(...switches.filter((ids) => ids.includes(`neutron:network_name=${prefix}`)).map((ids) => `OVN switch ${ids}`));
  const hosts = new TargetHosts(lab.target);
  const namespaces = `${lab.target.workloads.namespacePrefix}${prefix}`;
  try {
    for (const host of lab.target.hosts.filter((h) => h.integrationBridge)) {
      const netns = await hosts.shell(host.name).exec(['ip', 'netns', 'list']);
      found.push(...netns.stdout.split('\n').filter((n) => n.startsWith(namespaces)).map((n) => `${host.name}: netns ${n}`));
      // Ports carry their run's prefix: a prefix shorter than a run's (`nv`) finds those of every run.
      const ovs = await hosts.shell(host.name).exec(['ovs-vsctl', '--format=csv', '--no-headings', '--columns=name,external_ids', 'list', 'Interface']);
      found.push(...ovs.stdout.split('\n').filter((line) => line.includes(`netvet-run=${prefix}`) || line.includes(`netvet-run="${prefix}`)).map((line) => `${host.name}: OVS port ${line.split(',')[0]}`));
    }
  } finally {
    await hosts.close();
  }
  return found;
}
