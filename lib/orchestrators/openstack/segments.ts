import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';
import { ovnSegment } from '../../sdn/ovn/segment';
import type { NetworkSegment } from '../../sdn/types';
import type { Network, Neutron } from './neutron';

/**
 * A Neutron network as the wire sees it. ML2/OVN (Zed) does not hand its segmentation id to OVN:
 * northd numbers the network's logical switch (`neutron-<id>`) itself, and that tunnel key is what
 * Geneve carries. So the id on the wire comes from OVN's southbound DB, where the target has one;
 * without it only Neutron's segmentation id is known, and no wire id can be promised.
 */
export async function neutronSegment(target: Target, neutron: Neutron, network: string, networkId: string): Promise<NetworkSegment> {
  if (!target.ovn) {
    const found = await neutron.get<Network>('network', networkId);
    throw new NetvetError(`target '${target.name}' gives no OVN southbound DB, so the id network '${network}' carries on the wire is unknown (Neutron's segmentation id is ${found['provider:segmentation_id']})`, 'add ovn.southbound to the target file');
  }
  return ovnSegment(target.ovn.southbound, network, `neutron-${networkId}`);
}
