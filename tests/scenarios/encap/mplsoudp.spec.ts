import { expect, test } from '../../../fixtures';
import { tunnelledTraffic } from '../../../fixtures/tunnelled-traffic';

/**
 * Every chassis on MPLSoUDP, one network stretched over two chassis:
 * - every chassis still tunnels with MPLSoUDP after the traffic (where netvet switched them);
 * - on the underlay each packet between the workloads is in MPLSoUDP, with the MPLS label the SDN
 *   gives the receiving port (the bottom label of the stack);
 * - no other encapsulation appears on the wire (the negative control);
 * - ping and TCP pass both ways.
 * Targets whose SDN has no MPLS tunnels (OVN, the lab) skip it for lack of encap:mplsoudp.
 */
test(
  'MPLSoUDP: traffic between chassis is tunnelled in MPLSoUDP alone, with the receiving port\'s label',
  {
    tag: ['@regression', '@encap', '@serial'],
    annotation: [{ type: 'id', description: 'NV-ENCAP-003' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'encap:mplsoudp' }],
  },
  async ({ switchEncapsulation, deploy, send, tunnelledFlows, watchWire }) => {
    const tunnels = await switchEncapsulation('mplsoudp');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const wire = await tunnelledTraffic({ send, tunnelledFlows, watchWire }, built, 'mplsoudp');

    await test.step('every chassis still tunnels with MPLSoUDP', async () => expect.soft(await tunnels.disagreements()).toEqual([]));
    await test.step('the underlay carries MPLSoUDP only, with the receiving port\'s label', () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.forEach((r) => expect(r).toPass()));
  },
);
