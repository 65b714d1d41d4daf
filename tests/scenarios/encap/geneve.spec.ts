import { expect, test } from '../../../fixtures';
import { tunnelledTraffic } from '../../../fixtures/tunnelled-traffic';

/**
 * Every chassis switched to Geneve, one network stretched over two chassis:
 * - every chassis still announces Geneve and tunnels with it after the traffic;
 * - on the underlay each packet between the workloads is in Geneve, with the network's VNI (OVN:
 *   the logical switch's datapath key; the ports travel in a Geneve option);
 * - no other encapsulation appears on the wire (the negative control);
 * - ping and TCP pass both ways.
 */
test(
  'Geneve: traffic between chassis is tunnelled in Geneve alone, with the network\'s VNI',
  {
    tag: ['@regression', '@encap', '@serial'],
    annotation: [{ type: 'id', description: 'NV-ENCAP-001' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'encap:geneve' }],
  },
  async ({ switchEncapsulation, deploy, send, tunnelledFlows, watchWire }) => {
    const tunnels = await switchEncapsulation('geneve');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const wire = await tunnelledTraffic({ send, tunnelledFlows, watchWire }, built, 'geneve');

    await test.step('every chassis still announces Geneve and tunnels with it', async () => expect.soft(await tunnels.disagreements()).toEqual([]));
    await test.step('the underlay carries Geneve only, with the network\'s VNI', () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.forEach((r) => expect(r).toPass()));
  },
);
