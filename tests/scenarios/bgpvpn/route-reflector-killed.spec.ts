import { setTimeout as sleep } from 'node:timers/promises';
import { expect, test } from '../../../fixtures/bgpvpn';

/** How soon the PEs must have dropped the reflected routes once the reflector's sessions closed. */
const WITHDRAWN_WITHIN_MS = 10_000;
/**
 * How soon the sessions must be back once the reflector runs again: bagpipe-bgp retries a failed
 * session after its error retry timer (20 s) and then every connect retry (5 s).
 */
const BACK_WITHIN_MS = 60_000;

/**
 * The route reflector (gobgpd) killed with SIGKILL while vm1 (VPN blue, PE A) talks to vm2 (blue, PE
 * B) and to vm3 (VPN green, which blue imports, PE A), then two VPNs attached on one PE while it is
 * down, then the reflector started again. What must happen
 * is written from the specs, not from what was seen:
 * - RFC 4271 8.2.2: a session whose TCP connection fails goes to Idle and the speaker deletes every
 *   route received on it. No graceful restart (RFC 4724) is negotiated (bagpipe-bgp announces none),
 *   so nothing keeps stale routes: each PE's VRF loses the other PE's routes and bagpipe removes their
 *   flows (its peer worker's cleanup withdraws the peer's routes): vm1 -> vm2 stops, within seconds.
 * - Routes between VRFs of one PE go through its own route table (bagpipe's route table manager),
 *   not through BGP: vm1 -> vm3 never stops.
 * - An attachment while the reflector is down is local to its PE (bagpipe-bgp's REST API needs no
 *   BGP): it gets a label, and its workloads (two VPNs importing each other) reach each other there.
 * - Once the reflector runs again, the PEs reconnect (bagpipe retries) and each side sends its
 *   whole Adj-RIB-Out on the new session (RFC 4271 9.4): vm1 -> vm2 flows again, and the reflector
 *   holds the routes of the attachment made while it was down.
 */
test(
  'BGP VPN: the route reflector killed stops traffic between PEs (routes withdrawn), not within one; attachments meanwhile stay local until it is back',
  {
    tag: ['@regression', '@bgpvpn', '@serial'],
    annotation: [{ type: 'id', description: 'NV-BGPVPN-003' }, { type: 'requires', description: 'sdn:bgpvpn' }, { type: 'requires', description: 'compute:2' }],
  },
  async ({ bgpVpn, deploy, faults, monitor, orchestrator, send, target }) => {
    const built = await deploy('topologies/bgpvpn-rr.yaml');
    const [vm1, vm2] = [built.workloads.vm1, built.workloads.vm2];
    const reflector = target.bgpvpn!.routeReflector;
    const acrossPes = await monitor(built, 'vm1', 'vm2', 'icmp');
    const withinPe = await monitor(built, 'vm1', 'vm3', 'icmp');
    const blue = (await orchestrator.bindings.bgpvpn!(built)).vpnOf('blue').instance;
    const vm2Prefix = `${vm2.ports[0].address}/32`;
    const routeToVm2 = async () => (await bgpVpn.explain(built, { from: 'vm1', to: 'vm2', kind: 'icmp', sourceAddress: vm1.ports[0].address, destinationAddress: vm2.ports[0].address }, orchestrator)).verdict;

    const killed = await faults.kill(reflector.host, 'gobgpd');
    await test.step(`within ${WITHDRAWN_WITHIN_MS / 1000} s vm1's PE has no route to ${vm2Prefix} in ${blue}, and vm1 -> vm2 fails`, async () => {
      await expect.poll(routeToVm2, { timeout: WITHDRAWN_WITHIN_MS, intervals: [200] }).toMatch(/^no route for /);
      expect(await send(built, 'vm1', 'vm2', { kind: 'icmp' }, false)).not.toPass();
    });

    const late = await test.step('two VPNs attached on one PE while the reflector is down: their workloads reach each other', async () => {
      const deployed = await deploy('topologies/bgpvpn-late.yaml');
      expect(await send(deployed, 'late1', 'late2', { kind: 'tcp', port: 5000 })).toPass();
      return deployed;
    });

    await killed.undo();
    await test.step(`within ${BACK_WITHIN_MS / 1000} s of the reflector's restart every session is back and vm1 -> vm2 flows again`, async () => {
      const health = await bgpVpn.healthWithin(BACK_WITHIN_MS);
      expect(health.problems).toEqual([]);
      await expect.poll(routeToVm2, { timeout: 10_000, intervals: [200] }).toMatch(/^VPN blue on /);
      expect(await send(built, 'vm1', 'vm2', { kind: 'icmp' })).toPass();
    });
    await test.step('the reflector now holds the routes of the VPN attached while it was down, with the labels their PE gave', async () => {
      await expect.poll(async () => bgpVpn.drift(late, orchestrator), { timeout: 10_000, intervals: [500] }).toEqual([]);
    });

    // Let the monitors see the recovered path before they stop.
    await sleep(1000);
    const [across, within] = await Promise.all([acrossPes.stop(), withinPe.stop()]);
    await test.step('vm1 -> vm3 on the same PE lost nothing; vm1 -> vm2 broke and recovered', () => {
      expect(within).toMeet({ maxLost: 0, recovers: true });
      expect(across.lost).toBeGreaterThan(0);
      expect(across).toMeet({ recovers: true });
    });
  },
);
