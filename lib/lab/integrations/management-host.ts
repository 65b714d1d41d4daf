import { run } from '../../util/exec';
import type { Journal } from '../journal';
import { SEGMENTS } from '../network';
import type { LabHost, LabPlan } from '../plan';

/** A host an integration adds (an API host, vCenter): a namespace on the management segment, plugged like the lab's other hosts (nothing in the root namespace). */
export async function plugManagementHost(plan: LabPlan, host: LabHost, journal: Journal): Promise<void> {
  journal.record({ kind: 'netns', name: host.netns });
  await run(['ip', 'netns', 'add', host.netns]);
  await run(['ip', 'link', 'add', 'eth1', 'netns', host.netns, 'type', 'veth', 'peer', 'name', `${host.name}-eth1`, 'netns', plan.fabricNetns]);
  await run(['ip', '-n', plan.fabricNetns, 'link', 'set', `${host.name}-eth1`, 'master', SEGMENTS.management, 'up']);
  await run(['ip', '-n', host.netns, '-batch', '-'], { input: `link set lo up\naddr add ${host.management}/24 dev eth1\nlink set eth1 up\n` });
}
