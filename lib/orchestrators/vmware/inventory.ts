import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';
import type { Vim25Client } from './vim25/client';
import { findByName, retrieveByType, retrieveOne } from './vim25/properties';
import { asMoref, text, type Moref, type Node } from './vim25/xml';

/** A managed object of the deployment, found by name. */
export interface Named {
  name: string;
  ref: Moref;
}

/**
 * Where the driver works in vCenter, resolved once from the target's `vmware` section: the
 * datacenter's VM folder, the cluster's resource pool and ESXi hosts (by name), the distributed
 * switch and the datastore. What the section names and vCenter lacks is a located error.
 */
export class VcenterInventory {
  private constructor(
    readonly vmFolder: Moref,
    readonly pool: Moref,
    readonly hosts: ReadonlyMap<string, Moref>,
    readonly distributedSwitch: Moref,
    readonly switchUuid: string,
    readonly datastore: string,
  ) {}

  static async open(client: Vim25Client, section: NonNullable<Target['vmware']>, targetFile?: string): Promise<VcenterInventory> {
    const missing = (what: string, name: string, field: string, fix: string) => new NetvetError(`vCenter ${section.url} has no ${what} '${name}'`, fix, { file: targetFile, field: `vmware.${field}` });
    const datacenter = await findByName(client, 'Datacenter', section.datacenter);
    if (!datacenter) throw missing('datacenter', section.datacenter, 'datacenter', 'name an existing datacenter (govc ls /)');
    const cluster = await findByName(client, 'ClusterComputeResource', section.cluster, datacenter);
    if (!cluster) throw missing('cluster', section.cluster, 'cluster', `name a cluster of ${section.datacenter} (govc ls /${section.datacenter}/host)`);
    const dvs = await findByName(client, 'DistributedVirtualSwitch', section.distributedSwitch, datacenter);
    if (!dvs) throw missing('distributed switch', section.distributedSwitch, 'distributedSwitch', `name a distributed switch of ${section.datacenter} (govc ls /${section.datacenter}/network)`);
    const datastore = await findByName(client, 'Datastore', section.datastore, datacenter);
    if (!datastore) throw missing('datastore', section.datastore, 'datastore', `name a datastore of ${section.datacenter} (govc ls /${section.datacenter}/datastore)`);
    const [dcProps, clusterProps, dvsProps] = await Promise.all([
      retrieveOne(client, datacenter, ['vmFolder']),
      retrieveOne(client, cluster, ['resourcePool']),
      retrieveOne(client, dvs, ['uuid']),
    ]);
    const hosts = new Map((await retrieveByType(client, 'HostSystem', ['name'], cluster)).map((h) => [text(h.props.get('name')) ?? '', h.obj]));
    return new VcenterInventory(ref(dcProps.get('vmFolder')), ref(clusterProps.get('resourcePool')), hosts, dvs, text(dvsProps.get('uuid')) ?? '', section.datastore);
  }

  /** The ESXi host standing for target host `name`. */
  host(name: string): Moref {
    const host = this.hosts.get(name);
    if (!host) {
      throw new NetvetError(`the vCenter cluster has no ESXi host '${name}'`, `workloads go on hosts of the cluster, named as the target's hosts: ${[...this.hosts.keys()].join(', ')}`);
    }
    return host;
  }

  /** The ESXi host's name for a HostSystem reference. */
  hostName(host: Moref | undefined): string | undefined {
    return [...this.hosts].find(([, ref]) => ref.value === host?.value)?.[0];
  }
}

function ref(node: Node | Node[] | undefined): Moref {
  const found = asMoref(node);
  if (!found) throw new NetvetError('vCenter answered a property without its reference', 'the vCenter answers vim25 in a way netvet does not know');
  return found;
}

/** The deployment's VMs and port groups in vCenter, by name prefix. */
export async function namedWithPrefix(client: Vim25Client, type: 'VirtualMachine' | 'DistributedVirtualPortgroup', prefix: string): Promise<Named[]> {
  return (await retrieveByType(client, type, ['name'])).flatMap((o) => {
    const name = text(o.props.get('name'));
    return name?.startsWith(prefix) ? [{ name, ref: o.obj }] : [];
  });
}
