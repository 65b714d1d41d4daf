import { capture } from '../../../lib/capture/capture';
import { classify } from '../../../lib/capture/classify';
import { routeTo } from '../../../lib/traffic/ip-config';
import { expect, test } from '../../../fixtures';

/**
 * A routed underlay: ch2's tunnel endpoint is in another data subnet than ch1's, behind the
 * underlay router; ch3's is in ch1's own subnet. While the workloads talk, the router captures:
 * - vm1 and vm2 reach each other, and their tunnel packets (ch1 <-> ch2) cross the router;
 * - negative control: vm1 and vm3 reach each other too, but their tunnel packets (same subnet)
 *   never cross it.
 */
test(
  'routed underlay: tunnels between data subnets cross the underlay router, tunnels within one do not',
  { tag: ['@regression', '@underlay'], annotation: [{ type: 'id', description: 'NV-UL-002' }, { type: 'requires', description: 'compute:3' }, { type: 'requires', description: 'underlay:routed' }] },
  async ({ deploy, send, hosts }) => {
    const built = await deploy('topologies/three-chassis.yaml');
    const { vm1, vm2, vm3 } = built.workloads;
    const endpoint = (host: string) => hosts.get(host).data!.address;
    const [router] = hosts.withRole('router');

    await test.step(`from ${vm1.host}, ${vm2.host}'s tunnel endpoint is routed and ${vm3.host}'s is on-link`, async () => {
      const from = hosts.shell(vm1.host);
      expect((await routeTo(from, endpoint(vm2.host))).via, `${vm1.host} -> ${endpoint(vm2.host)}: next hop`).not.toBeNull();
      expect((await routeTo(from, endpoint(vm3.host))).via, `${vm1.host} -> ${endpoint(vm3.host)}: next hop`).toBeNull();
    });

    const { packets } = await capture(hosts.shell(router.name), { iface: 'any', filter: ['udp'], maxSeconds: 60 }, async () => {
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1'], ['vm1', 'vm3'], ['vm3', 'vm1']]) {
        for (let i = 0; i < 3; i++) expect(await send(built, from, to, { kind: 'icmp' })).toPass();
      }
    });
    const tunnelled = packets.map(classify).filter((p) => p.encap.kind !== 'none' && p.inner);
    const between = (a: string, b: string) => tunnelled.filter((p) => [a, b].includes(p.inner!.src) && [a, b].includes(p.inner!.dst));
    const seen = tunnelled.map((p) => `${p.outer?.src} > ${p.outer?.dst} (${p.inner?.src} > ${p.inner?.dst})`);
    await test.info().attach(`tunnel packets on ${router.name}`, { body: seen.join('\n'), contentType: 'text/plain' });

    await test.step(`vm1 <-> vm2 tunnel packets cross ${router.name}, between ${endpoint(vm1.host)} and ${endpoint(vm2.host)}`, () => {
      const crossing = between(vm1.ports[0].address, vm2.ports[0].address);
      expect(crossing.length, `tunnel packets of vm1 <-> vm2 seen on ${router.name}`).toBeGreaterThanOrEqual(12);
      expect(new Set(crossing.flatMap((p) => [p.outer!.src, p.outer!.dst]))).toEqual(new Set([endpoint(vm1.host), endpoint(vm2.host)]));
    });
    await test.step(`vm1 <-> vm3 tunnel packets stay in their subnet: none on ${router.name}`, () => {
      expect(between(vm1.ports[0].address, vm3.ports[0].address).length).toBe(0);
    });
  },
);
