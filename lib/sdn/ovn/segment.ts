import { Southbound } from './southbound';
import { NetvetError } from '../../util/errors';
import type { NetworkSegment } from '../types';

// OVN splits the 24-bit VXLAN VNI: datapath tunnel key in bits 0-11, egress port key in bits 12-23
// (ovn-architecture(7), "Tunnel Encapsulations"; physical.c put_encapsulation in OVN 23.03).
const VXLAN_PORT_SHIFT = 12;

/**
 * A logical switch as OVN's southbound DB numbers it, whichever CMS made it: northd gives the
 * switch's datapath a tunnel key, which Geneve carries as the VNI (ports travel in a Geneve option)
 * and VXLAN packs together with the egress port's key.
 */
export async function ovnSegment(southbound: string, network: string, logicalSwitch: string): Promise<NetworkSegment> {
  const sb = new Southbound(southbound);
  const [datapath] = await sb.find('Datapath_Binding', ['_uuid', 'tunnel_key'], [`external_ids:name=${logicalSwitch}`]);
  if (!datapath) throw new NetvetError(`network '${network}' (logical switch ${logicalSwitch}) has no datapath in the southbound DB`, 'check that ovn-northd is running');
  const ports = new Map((await sb.find('Port_Binding', ['logical_port', 'tunnel_key'], [`datapath=${datapath._uuid}`])).map((p) => [String(p.logical_port), Number(p.tunnel_key)]));
  const id = Number(datapath.tunnel_key);
  return {
    network,
    id,
    onWire(kind, port) {
      if (kind === 'geneve') return id;
      if (kind === 'vxlan') {
        const key = ports.get(port);
        if (key === undefined) throw new NetvetError(`port ${port} is not on network '${network}' (logical switch ${logicalSwitch})`, `name a port of one of the workloads on '${network}'`);
        return id | (key << VXLAN_PORT_SHIFT);
      }
      throw new NetvetError(`OVN does not tunnel with ${kind}`, 'run this check against a target whose SDN supports it');
    },
  };
}
