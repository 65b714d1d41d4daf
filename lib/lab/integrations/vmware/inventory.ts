import type { Vim25Client } from '../../../orchestrators/vmware/vim25/client';
import { awaitTask, findByName, retrieveOne } from '../../../orchestrators/vmware/vim25/properties';
import { asMoref, text, type Moref } from '../../../orchestrators/vmware/vim25/xml';
import { NetvetError } from '../../../util/errors';

/** The lab vCenter's inventory names, written to the target file. */
export const INVENTORY = { datacenter: 'netvet', cluster: 'compute', distributedSwitch: 'netvet-dvs', datastore: 'datastore1' } as const;

/** vcsim's model, started with one datacenter and one empty cluster (`-dc 1 -cluster 1 -host 0`). */
const MODEL = { datacenter: 'DC0', cluster: 'DC0_C0' };

async function rename(client: Vim25Client, type: string, from: string, to: string): Promise<Moref> {
  const ref = await findByName(client, type, from);
  if (!ref) throw new NetvetError(`vcsim's model has no ${type} ${from}`, 'rebuild vcsim: remove /var/cache/netvet/vmware and run netvet setup --vmware');
  await awaitTask(client, await client.call('Rename_Task', ref, { newName: to }), `renaming ${type} ${from}`);
  return ref;
}

/** A reference-valued property of one object. */
async function referenceOf(client: Vim25Client, obj: Moref, path: string): Promise<Moref> {
  const ref = asMoref((await retrieveOne(client, obj, [path])).get(path));
  if (!ref) throw new NetvetError(`${obj.type} ${obj.value} has no ${path}`, 'the vCenter answers vim25 in a way netvet does not know');
  return ref;
}

/**
 * Shapes vcsim's inventory as a vCenter in front of the lab: a datacenter, a cluster whose ESXi
 * hosts are the compute chassis (one host per chassis, by its name), a local datastore on each,
 * and a distributed switch every host is a member of. Done through vim25, as an installer would.
 * The datastore's folder must exist.
 */
export async function shapeInventory(client: Vim25Client, chassis: readonly string[], datastorePath: string): Promise<void> {
  const datacenter = await rename(client, 'Datacenter', MODEL.datacenter, INVENTORY.datacenter);
  const cluster = await rename(client, 'ClusterComputeResource', MODEL.cluster, INVENTORY.cluster);
  const hosts: Moref[] = [];
  for (const name of chassis) {
    const task = await client.call('AddHost_Task', cluster, { spec: { hostName: name, force: true }, asConnected: true });
    const host = asMoref((await awaitTask(client, task, `adding ESXi host ${name}`)));
    if (!host) throw new NetvetError(`AddHost_Task for ${name} returned no host`, 'the vCenter answers vim25 in a way netvet does not know');
    hosts.push(host);
    await client.call('CreateLocalDatastore', await referenceOf(client, host, 'configManager.datastoreSystem'), { name: INVENTORY.datastore, path: datastorePath });
  }
  const created = await client.call('CreateDVS_Task', await referenceOf(client, datacenter, 'networkFolder'), { spec: { configSpec: { $type: 'VMwareDVSConfigSpec', name: INVENTORY.distributedSwitch } } });
  const dvs = asMoref((await awaitTask(client, created, `creating distributed switch ${INVENTORY.distributedSwitch}`)));
  if (!dvs) throw new NetvetError('CreateDVS_Task returned no switch', 'the vCenter answers vim25 in a way netvet does not know');
  // Hosts join a switch by reconfiguring it, at the switch's current config version.
  const configVersion = text((await retrieveOne(client, dvs, ['config.configVersion'])).get('config.configVersion'));
  const members = { $type: 'VMwareDVSConfigSpec', configVersion, host: hosts.map((host) => ({ operation: 'add', host, maxProxySwitchPorts: 512 })) };
  await awaitTask(client, await client.call('ReconfigureDvs_Task', dvs, { spec: members }), `adding the ESXi hosts to ${INVENTORY.distributedSwitch}`);
}
