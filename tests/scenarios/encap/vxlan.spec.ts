import { expect, test } from '../../../fixtures';
import { tunnelledTraffic } from '../../../fixtures/tunnelled-traffic';

/**
 * Every chassis switched to VXLAN, one network stretched over two chassis:
 * - every chassis still announces VXLAN and tunnels with it after the traffic;
 * - on the underlay each packet between the workloads is in VXLAN, with the VNI the SDN gives it
 *   (OVN: the logical switch's datapath key in bits 0-11, the receiving port's key in bits 12-23);
 * - no other encapsulation appears on the wire (the negative control);
 * - ping and TCP pass both ways.
 */
test(
  'VXLAN: traffic between chassis is tunnelled in VXLAN alone, with the network\'s VNI',
  {
    tag: ['@regression', '@encap', '@serial'],
    annotation: [{ type: 'id', description: 'NV-ENCAP-002' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'encap:vxlan' }],
  },
  async ({ switchEncapsulation, deploy, send, tunnelledFlows, watchWire }) => {
    const tunnels = await switchEncapsulation('vxlan');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const wire = await tunnelledTraffic({ send, tunnelledFlows, watchWire }, built, 'vxlan');

    await test.step('every chassis still announces VXLAN and tunnels with it', async () => expect.soft(await tunnels.disagreements()).toEqual([]));
    await test.step('the underlay carries VXLAN only, with the VNI of each receiving port', () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.forEach((r) => expect(r).toPass()));
  },
);
