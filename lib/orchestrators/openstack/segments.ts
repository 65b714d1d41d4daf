import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';
import { run } from '../../util/exec';
import type { NetworkSegment } from '../types';
import type { Network, Neutron } from './neutron';

// OVN packs the VXLAN VNI: datapath tunnel key in bits 0-11, egress port key in bits 12-23 (ovn-architecture(7)).
const VXLAN_PORT_SHIFT = 12;

/** Rows of the OVN southbound DB matching `conditions`, as column -> text. */
async function southbound(db: string, table: string, columns: string[], conditions: string[]): Promise<Array<Record<string, string>>> {
  const { stdout } = await run(['ovn-sbctl', `--db=${db}`, '--timeout=20', '--format=csv', '--no-headings', '--data=bare', `--columns=${columns.join(',')}`, 'find', table, ...conditions], { timeoutMs: 25_000 });
  return stdout.split('\n').filter(Boolean).map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v.replace(/^"|"$/g, '')])));
}

/**
 * A Neutron network as the wire sees it. ML2/OVN (Zed) does not hand its segmentation id to OVN:
 * northd numbers the network's logical switch (`neutron-<id>`) itself, and that tunnel key is what
 * Geneve carries. So the id on the wire comes from OVN's southbound DB, where the target has one;
 * without it only Neutron's segmentation id is known, and no wire id can be promised.
 */
export async function neutronSegment(target: Target, neutron: Neutron, network: string, networkId: string): Promise<NetworkSegment> {
  const found = await neutron.get<Network>('network', networkId);
  if (!target.ovn) {
    throw new NetvetError(`target '${target.name}' gives no OVN southbound DB, so the id network '${network}' carries on the wire is unknown (Neutron's segmentation id is ${found['provider:segmentation_id']})`, 'add ovn.southbound to the target file');
  }
  const sb = target.ovn.southbound;
  const [datapath] = await southbound(sb, 'Datapath_Binding', ['_uuid', 'tunnel_key'], [`external_ids:name=neutron-${networkId}`]);
  if (!datapath) throw new NetvetError(`network '${network}' (neutron-${networkId}) has no datapath in the OVN southbound DB`, 'check that ovn-northd runs');
  const ports = new Map((await southbound(sb, 'Port_Binding', ['logical_port', 'tunnel_key'], [`datapath=${datapath._uuid}`])).map((p) => [p.logical_port, Number(p.tunnel_key)]));
  const id = Number(datapath.tunnel_key);
  return {
    network,
    id,
    onWire(kind, port) {
      if (kind === 'geneve') return id;
      if (kind === 'vxlan') {
        const key = ports.get(port);
        if (key === undefined) throw new NetvetError(`port ${port} is not on network '${network}'`, `name a port of one of the workloads on '${network}'`);
        return id | (key << VXLAN_PORT_SHIFT);
      }
      throw new NetvetError(`OVN under Neutron does not tunnel with ${kind}`, 'run this check against a target whose SDN supports it');
    },
  };
}
