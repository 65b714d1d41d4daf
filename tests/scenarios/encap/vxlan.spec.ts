import type { ProbeResult } from '../../../lib/traffic/probe';
import { expect, test } from '../../../fixtures';

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
    annotation: [{ type: 'id', description: 'NV-ENCAP-002' }, { type: 'requires', description: 'encap:vxlan' }],
  },
  async ({ switchEncapsulation, deploy, send, tunnelledFlows, watchWire }) => {
    const tunnels = await switchEncapsulation('vxlan');
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const flows = await tunnelledFlows(built, 'vxlan', [['vm1', 'vm2'], ['vm2', 'vm1']]);

    const wire = await watchWire(built.workloads.vm1.host, { kind: 'vxlan', flows: flows.map((f) => ({ ...f, atLeast: 3 })) }, async () => {
      const results: ProbeResult[] = [];
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']]) {
        // The first probe each way may wait for the network to converge; the others must pass at once.
        const probes = [{ kind: 'icmp' }, { kind: 'tcp', port: 5000 }, { kind: 'icmp' }] as const;
        for (const [i, flow] of probes.entries()) results.push(await send(built, from, to, flow, true, i === 0));
      }
      return results;
    });

    await test.step('every chassis still announces VXLAN and tunnels with it', async () => expect.soft(await tunnels.disagreements()).toEqual([]));
    await test.step('the underlay carries VXLAN only, with the VNI of each receiving port', () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.forEach((r) => expect(r).toPass()));
  },
);
