import { expect, test } from '../../../fixtures';
import { tunnelledTraffic } from '../../../fixtures/tunnelled-traffic';

/**
 * Every chassis on MPLSoGRE, one network stretched over two chassis:
 * - every chassis still tunnels with MPLSoGRE after the traffic (where netvet switched them);
 * - on the underlay each packet between the workloads is in MPLSoGRE, with the MPLS label the SDN
 *   gives the receiving port (the bottom label of the stack);
 * - no other encapsulation appears on the wire (the negative control);
 * - ping and TCP pass both ways.
 * Targets whose SDN has no MPLS tunnels (OVN, the lab) skip it for lack of encap:mplsogre.
 */
test(
  'MPLSoGRE: traffic between chassis is tunnelled in MPLSoGRE alone, with the receiving port\'s label',
  {
    tag: ['@regression', '@encap', '@serial'],
    annotation: [{ type: 'id', description: 'NV-ENCAP-004' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'encap:mplsogre' }],
  },
  async ({ switchEncapsulation, deploy, send, tunnelledFlows, watchWire }) => {
    const tunnels = await switchEncapsulation('mplsogre');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const wire = await tunnelledTraffic({ send, tunnelledFlows, watchWire }, built, 'mplsogre');

    await test.step('every chassis still tunnels with MPLSoGRE', async () => expect.soft(await tunnels.disagreements()).toEqual([]));
    await test.step('the underlay carries MPLSoGRE only, with the receiving port\'s label', () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.forEach((r) => expect(r).toPass()));
  },
);
