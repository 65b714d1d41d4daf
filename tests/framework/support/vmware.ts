import { vcenterLogin } from '../../../lib/orchestrators/vmware/credentials';
import { namedWithPrefix } from '../../../lib/orchestrators/vmware/inventory';
import { Vim25Client } from '../../../lib/orchestrators/vmware/vim25/client';
import { TargetHosts } from '../../../lib/target/hosts';
import type { FrameworkLab } from './lab';

/**
 * What deployments named with `prefix` could have left on a vCenter lab: VMs and port groups in
 * vCenter, OVN switches and ports of their names, and workload namespaces on the compute hosts.
 * Empty when nothing is left.
 */
export async function vmwareLeftovers(lab: FrameworkLab, prefix: string): Promise<string[]> {
  const client = new Vim25Client(vcenterLogin(lab.target.vmware!, lab.targetFile));
  await client.connect();
  const found: string[] = [];
  try {
    for (const type of ['VirtualMachine', 'DistributedVirtualPortgroup'] as const) found.push(...(await namedWithPrefix(client, type, prefix)).map((o) => `${type} ${o.name}`));
  } finally {
    await client.logout();
  }
  for (const table of ['Logical_Switch', 'Logical_Switch_Port']) {
    const names = (await lab.nbctl('--format=csv', '--no-headings', '--data=bare', '--columns=name', 'list', table)).split('\n');
    found.push(...names.filter((n) => n.startsWith(prefix)).map((n) => `${table} ${n}`));
  }
  const hosts = new TargetHosts(lab.target);
  try {
    for (const host of lab.target.hosts.filter((h) => h.integrationBridge)) {
      const netns = await hosts.shell(host.name).exec(['ip', 'netns', 'list']);
      found.push(...netns.stdout.split('\n').filter((n) => n.startsWith(`${lab.target.workloads.namespacePrefix}${prefix}`)).map((n) => `${host.name}: netns ${n}`));
    }
  } finally {
    await hosts.close();
  }
  return found;
}
