import type { ProbeResult } from '../../../lib/traffic/probe';
import { expect, test } from '../../../fixtures';

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
    annotation: [{ type: 'id', description: 'NV-ENCAP-004' }, { type: 'requires', description: 'encap:mplsogre' }],
  },
  async ({ switchEncapsulation, deploy, send, tunnelledFlows, watchWire }) => {
    const tunnels = await switchEncapsulation('mplsogre');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const flows = await tunnelledFlows(built, 'mplsogre', [['vm1', 'vm2'], ['vm2', 'vm1']]);

    const wire = await watchWire(built.workloads.vm1.host, { kind: 'mplsogre', flows: flows.map((f) => ({ ...f, atLeast: 3 })) }, async () => {
      const results: ProbeResult[] = [];
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']]) {
        // The first probe each way may wait for the network to converge; the others must pass at once.
        const probes = [{ kind: 'icmp' }, { kind: 'tcp', port: 5000 }, { kind: 'icmp' }] as const;
        for (const [i, flow] of probes.entries()) results.push(await send(built, from, to, flow, true, i === 0));
      }
      return results;
    });

    await test.step('every chassis still tunnels with MPLSoGRE', async () => expect.soft(await tunnels.disagreements()).toEqual([]));
    await test.step('the underlay carries MPLSoGRE only, with the receiving port\'s label', () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.forEach((r) => expect(r).toPass()));
  },
);
