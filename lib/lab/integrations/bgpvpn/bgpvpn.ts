import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { peerStates, PE_API_PORT, PE_BRIDGE } from '../../../sdn/bgpvpn/bagpipe';
import type { Target } from '../../../target/schema';
import { NetvetError } from '../../../util/errors';
import { missing, type Requirement } from '../../../util/packages';
import { hostTool } from '../../daemon';
import { hostEnv } from '../../host-env';
import type { Journal } from '../../journal';
import type { LabChassis, LabHost, LabPlan } from '../../plan';
import { answers, startService, untilNothingMissing, waitFor } from '../services';

/** What the BGP VPN profile runs, by Debian package; `netvet setup --bgpvpn` installs them. */
const BGPVPN_REQUIREMENTS: readonly Requirement[] = [
  { program: '/usr/bin/bagpipe-bgp', pkg: 'python3-networking-bagpipe' },
  { program: 'privsep-helper', pkg: 'python3-networking-bagpipe' },
  { program: 'gobgpd', pkg: 'gobgpd' },
];

/** Fails before anything is built when BaGPipe or gobgpd is not installed. */
export function requireBgpVpnPackages(): void {
  const absent = missing(BGPVPN_REQUIREMENTS);
  if (absent.length) {
    throw new NetvetError(
      `the BGP VPN profile needs ${absent.map((r) => r.program).join(', ')}`,
      `run 'netvet setup --bgpvpn' (or: apt-get install -y --no-install-recommends ${[...new Set(absent.map((r) => r.pkg))].join(' ')})`,
    );
  }
}

/** The route reflector runs beside the first OVN database member: a control host, on the management network. */
export function routeReflectorHost(plan: LabPlan): LabHost {
  return plan.controls[0];
}

/** The PEs: every compute chassis (gateways carry no VPN ports). */
export function providerEdges(plan: LabPlan): LabChassis[] {
  return plan.chassis.filter((c) => c.roles.includes('compute'));
}

/** gobgpd's gRPC API, which the `gobgp` CLI asks (netvet reads neighbours and the VPNv4 table through it). */
const GOBGP_API_PORT = 50051;

/**
 * gobgpd as an iBGP route reflector for labeled VPN routes (SAFI 128): each PE a client, passive so
 * the PEs open the sessions. Route-target constraint (RFC 4684) stays off on both sides: every PE
 * gets every VPN route and imports by route target itself (and exabgp 4.2's RTC logging resets
 * sessions, see the recipe).
 */
function gobgpdConfig(plan: LabPlan, asn: number): string {
  const rr = routeReflectorHost(plan);
  const neighbor = (pe: LabChassis) => `
[[neighbors]]
  [neighbors.config]
    neighbor-address = "${pe.management}"
    peer-as = ${asn}
  [neighbors.transport.config]
    passive-mode = true
    local-address = "${rr.management}"
  [neighbors.route-reflector.config]
    route-reflector-client = true
    route-reflector-cluster-id = "${rr.management}"
  [[neighbors.afi-safis]]
    [neighbors.afi-safis.config]
      afi-safi-name = "l3vpn-ipv4-unicast"
`;
  return `[global.config]
  as = ${asn}
  router-id = "${rr.management}"
  local-address-list = ["${rr.management}"]
${providerEdges(plan).map(neighbor).join('')}`;
}

/**
 * One PE's bagpipe-bgp: BGP to the route reflector over the management network, the REST API on
 * the management address (netvet attaches ports and reads the looking glass there), and the OVS
 * IP VPN driver on the chassis' own OVS: a bridge of its own, MPLS over an L3 GRE port from the
 * tunnel endpoint (packet_type=legacy_l3 makes it RFC 4023, GRE protocol 0x8847).
 */
function bagpipeConfig(plan: LabPlan, pe: LabChassis, asn: number, vxlan: boolean): string {
  return `[DEFAULT]
debug = False
[COMMON]
# 'env' keeps the host's OVS directories for the privsep helper (the default, sudo, resets them)
root_helper = env OVS_RUNDIR=${pe.dir} OVS_DBDIR=${pe.dir}
[API]
host = ${pe.management}
port = ${PE_API_PORT}
[BGP]
local_address = ${pe.management}
peers = ${routeReflectorHost(plan).management}
my_as = ${asn}
enable_rtc = False
[OVS]
ovsdb_connection = unix:${join(pe.dir, 'db.sock')}
[DATAPLANE_DRIVER_IPVPN]
dataplane_driver = ovs
dataplane_local_address = ${pe.data}
ovs_bridge = ${PE_BRIDGE}
mpls_interface = *gre*
mpls_over_gre = True
gre_tunnel = mpls_gre
gre_tunnel_options = packet_type=legacy_l3
arp_responder = True
proxy_arp = True
vxlan_encap = ${vxlan ? 'True' : 'False'}
[DATAPLANE_DRIVER_EVPN]
dataplane_driver = dummy
`;
}

/**
 * The route reflector, then every PE's bagpipe-bgp (started together: most of their start is
 * Python imports); done once every API answers and every PE's session to the reflector is
 * established. Each process is journaled by pid file; the privsep helpers bagpipe starts live in
 * the chassis namespaces, which `lab down` empties.
 */
export async function buildBgpVpn(plan: LabPlan, journal: Journal): Promise<void> {
  const section = plan.profile.bgpvpn!;
  const rr = routeReflectorHost(plan);
  const rrConfig = join(rr.dir, 'gobgpd.toml');
  await writeFile(rrConfig, gobgpdConfig(plan, section.asn));
  await startService(journal, rr, 'gobgpd', [
    'gobgpd', '-f', rrConfig, '-p', `--api-hosts=${rr.management}:${GOBGP_API_PORT}`, '--pprof-disable',
  ]);
  const pes = providerEdges(plan);
  const started = await Promise.all(
    pes.map(async (pe) => {
      await hostTool(pe, ['ovs-vsctl', '--', 'add-br', PE_BRIDGE, '--', 'set', 'bridge', PE_BRIDGE, 'datapath_type=netdev', 'fail_mode=secure']);
      await hostTool(pe, ['ip', 'link', 'set', PE_BRIDGE, 'up']);
      const config = join(pe.dir, 'bgp.conf');
      await writeFile(config, bagpipeConfig(plan, pe, section.asn, section.encapsulation === 'vxlan'));
      // TMPDIR: the privsep helper's socket directory then goes with the lab's folder.
      const env = { ...process.env, ...hostEnv(pe), TMPDIR: pe.dir };
      const pid = await startService(journal, pe, 'bagpipe-bgp', ['/usr/bin/bagpipe-bgp', '--config-file', config, '--log-file', join(pe.dir, 'bagpipe-bgp.log')], { env });
      return { pe, pid };
    }),
  );
  await Promise.all(
    started.map(({ pe, pid }) => waitFor(`bagpipe-bgp on ${pe.name}`, pid, join(pe.dir, 'bagpipe-bgp.log'), answers(`http://${pe.management}:${PE_API_PORT}/ping`, 200), 50_000)),
  );
  await untilNothingMissing(
    'BGP sessions to the route reflector',
    async () => {
      const states = await Promise.all(pes.map(async (pe) => ({ pe, states: await peerStates(`http://${pe.management}:${PE_API_PORT}`).catch(() => []) })));
      return states.filter((s) => !s.states.some((p) => p.state === 'Established')).map((s) => `established session from ${s.pe.name}`);
    },
    `see ${join(rr.dir, 'gobgpd.out')} and each chassis' bagpipe-bgp.log under ${plan.dir}`,
    30_000,
  );
}

/** The target file's view: the BGP VPN SDN, driven through bagpipe-bgp's REST API on each PE. */
export function describeBgpVpn(plan: LabPlan): { section: Partial<Target>; capabilities: string[] } {
  const section = plan.profile.bgpvpn;
  if (!section) return { section: {}, capabilities: [] };
  const rr = routeReflectorHost(plan);
  return {
    section: {
      sdn: 'bgpvpn',
      orchestrator: 'bagpipe',
      encapsulation: { current: section.encapsulation, supported: [section.encapsulation] },
      bgpvpn: {
        asn: section.asn,
        routeReflector: { host: rr.name, address: rr.management, api: `${rr.management}:${GOBGP_API_PORT}` },
        providerEdges: providerEdges(plan).map((pe) => ({ host: pe.name, api: `http://${pe.management}:${PE_API_PORT}`, bridge: PE_BRIDGE })),
      },
    },
    capabilities: [],
  };
}
