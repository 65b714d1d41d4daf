import { NetvetError } from '../../util/errors';
import { ovnSegment } from '../../sdn/ovn/segment';
import type { Deployment, NetworkSegment } from '../types';
import { Names } from './names';

/** A deployment's network as the wire carries it: its logical switch's tunnel key. */
export async function networkSegment(southbound: string, deployment: Deployment, network: string): Promise<NetworkSegment> {
  if (!deployment.topology.networks.some((n) => n.name === network)) {
    throw new NetvetError(`the deployment ${deployment.prefix} has no network '${network}'`, `use one of: ${deployment.topology.networks.map((n) => n.name).join(', ')}`);
  }
  return ovnSegment(southbound, network, new Names(deployment.prefix).switch(network));
}
