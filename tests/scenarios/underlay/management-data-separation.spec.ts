import { classify } from '../../../lib/capture/classify';
import { captureMany } from '../../../lib/capture/many';
import { interfaceWithAddress } from '../../../lib/traffic/ip-config';
import { expect, test } from '../../../fixtures';

/**
 * Management and data traffic use separate networks. While workloads on two chassis talk, one
 * chassis' management interface and its uplinks are captured at the same time:
 * - the uplinks carry the tunnel packets holding the workloads' traffic;
 * - negative control: the management interface carries traffic (the SSH that runs this test) but
 *   no tunnel packet at all.
 */
test(
  'tunnels use the data network only: tunnel packets on the chassis uplink, none on its management interface',
  { tag: ['@regression', '@underlay'], annotation: [{ type: 'id', description: 'NV-UL-001' }, { type: 'requires', description: 'compute:2' }, { type: 'requires', description: 'underlay:separate' }] },
  async ({ deploy, send, hosts }) => {
    const built = await deploy('topologies/l2-two-chassis.yaml');
    const { vm1, vm2 } = built.workloads;
    const host = hosts.get(vm1.host);
    const shell = hosts.shell(vm1.host);
    const management = (await interfaceWithAddress(shell, host.management)).name;
    const uplinks = host.data?.uplinks.length ? host.data.uplinks : [hosts.underlayInterface(vm1.host)];
    const workloads = [vm1.ports[0].address, vm2.ports[0].address];

    const { packets } = await captureMany(shell, [management, ...uplinks], { filter: ['ip'], maxSeconds: 60 }, async () => {
      for (const [from, to] of [['vm1', 'vm2'], ['vm2', 'vm1']]) {
        for (let i = 0; i < 3; i++) expect(await send(built, from, to, { kind: 'icmp' })).toPass();
        expect(await send(built, from, to, { kind: 'tcp', port: 5000 })).toPass();
      }
    });
    const tunnelled = (iface: string) => packets[iface].map(classify).filter((p) => p.encap.kind !== 'none');
    const summary = Object.fromEntries(Object.entries(packets).map(([iface, list]) => [iface, { packets: list.length, tunnelled: tunnelled(iface).length }]));
    await test.info().attach(`captures on ${vm1.host}`, { body: JSON.stringify(summary, null, 2), contentType: 'application/json' });

    await test.step(`the uplink (${uplinks.join(', ')}) carries the workloads' tunnel packets`, () => {
      const ours = uplinks.flatMap(tunnelled).filter((p) => p.inner && workloads.includes(p.inner.src));
      expect(ours.length, `tunnel packets carrying vm1/vm2 traffic on ${uplinks.join(', ')}: ${JSON.stringify(summary)}`).toBeGreaterThanOrEqual(8);
    });
    await test.step(`the management interface (${management}) carries traffic, but no tunnel packet`, () => {
      expect(packets[management].length, `nothing at all was captured on ${management}`).toBeGreaterThan(0);
      expect(tunnelled(management).map((p) => `${p.encap.kind} ${p.outer?.src} > ${p.outer?.dst}`), `tunnel packets on the management interface ${management}`).toEqual([]);
    });
  },
);
