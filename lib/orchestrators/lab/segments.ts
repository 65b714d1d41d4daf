import { Southbound } from '../../target/southbound';
import { NetvetError } from '../../util/errors';
import type { Deployment, NetworkSegment } from '../types';
import { Names } from './names';

// OVN splits the 24-bit VXLAN VNI: datapath tunnel key in bits 0-11, egress port key in bits 12-23
// (ovn-architecture(7), "Tunnel Encapsulations"; physical.c put_encapsulation in OVN 23.03).
const VXLAN_PORT_SHIFT = 12;

/**
 * A logical switch as OVN's southbound DB numbers it: northd gives the switch's datapath a tunnel
 * key, which Geneve carries as the VNI (ports travel in a Geneve option) and VXLAN packs together
 * with the egress port's key.
 */
export async function networkSegment(southbound: string, deployment: Deployment, network: string): Promise<NetworkSegment> {
  if (!deployment.topology.networks.some((n) => n.name === network)) {
    throw new NetvetError(`the deployment ${deployment.prefix} has no network '${network}'`, `use one of: ${deployment.topology.networks.map((n) => n.name).join(', ')}`);
  }
  const sb = new Southbound(southbound);
  const ls = new Names(deployment.prefix).switch(network);
  const [datapath] = await sb.find('Datapath_Binding', ['_uuid', 'tunnel_key'], [`external_ids:name=${ls}`]);
  if (!datapath) throw new NetvetError(`logical switch ${ls} has no datapath in the southbound DB`, 'check that ovn-northd is running (netvet lab status)');
  const ports = new Map((await sb.find('Port_Binding', ['logical_port', 'tunnel_key'], [`datapath=${datapath._uuid}`])).map((p) => [String(p.logical_port), Number(p.tunnel_key)]));
  const id = Number(datapath.tunnel_key);
  return {
    network,
    id,
    onWire(kind, port) {
      if (kind === 'geneve') return id;
      if (kind === 'vxlan') {
        const key = ports.get(port);
        if (key === undefined) throw new NetvetError(`port ${port} is not on network '${network}' (logical switch ${ls})`, `name a port of one of the workloads on '${network}'`);
        return id | (key << VXLAN_PORT_SHIFT);
      }
      throw new NetvetError(`OVN does not tunnel with ${kind}`, 'run this check against a target whose SDN supports it');
    },
  };
}
