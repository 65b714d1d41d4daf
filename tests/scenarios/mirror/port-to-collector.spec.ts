import { collectorHost } from '../../../lib/orchestrators/shared/placement';
import type { ProbeResult } from '../../../lib/traffic/probe';
import { expect, test } from '../../../fixtures';

/**
 * vm1's port mirrored (what vm1 sends) to a collector on the underlay; vm2's port is not mirrored:
 * - the collector receives vm1's packets to vm2 in GRE with the mirror's key;
 * - nothing vm2 sends reaches the collector (the negative control: vm2 is not mirrored, and the
 *   mirror takes only what vm1 sends, not what it receives);
 * - ping and TCP pass both ways, mirror or not.
 */
test(
  'port mirroring: what vm1 sends reaches the collector in GRE with the mirror key; vm2\'s traffic does not',
  { tag: ['@regression', '@mirror'], annotation: [{ type: 'id', description: 'NV-MIRROR-001' }, { type: 'requires', description: 'mirror' }, { type: 'requires', description: 'compute-without-gateway:1' }, { type: 'requires', description: 'compute:2' }] },
  async ({ deploy, send, watchWire, target }) => {
    const built = await deploy('topologies/mirror.yaml');
    const [mirror] = built.topology.mirrors;
    // The host the driver sent the copies to: the collector role resolved as the driver did.
    const collector = collectorHost(target.hosts, mirror, built.workloads.vm1.host).name;
    const [vm1, vm2] = [built.workloads.vm1.ports[0], built.workloads.vm2.ports[0]];

    const expected = {
      kind: 'gre' as const,
      flows: [{ label: 'vm1 -> vm2, mirrored', src: vm1.address, dst: vm2.address, srcMac: vm1.mac, dstMac: vm2.mac, id: mirror.key, atLeast: 6 }],
      absent: [{ label: 'what vm2 sends, not mirrored', src: vm2.address, srcMac: vm2.mac }],
    };
    const wire = await watchWire(collector, expected, async () => {
      const results: ProbeResult[] = [];
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']]) {
        // The first probe each way may wait for the network to converge; the others must pass at once.
        const probes = [{ kind: 'icmp' }, { kind: 'tcp', port: 5000 }, { kind: 'icmp' }] as const;
        for (const [i, flow] of probes.entries()) results.push(await send(built, from, to, flow, true, i === 0));
      }
      return results;
    }, ['ip', 'proto', '47']);

    await test.step(`the collector ${collector} gets what vm1 sends in GRE key ${mirror.key}, nothing of vm2`, () => expect.soft(wire.wrong, wire.report).toEqual([]));
    await test.step('ping and TCP pass both ways', () => wire.result.forEach((r) => expect(r).toPass()));
  },
);
