import { join } from 'node:path';
import { run } from '../util/exec';
import { connectionString, DATABASES } from './control-plane';
import { hostTool, startDaemon } from './daemon';
import type { Journal } from './journal';
import type { LabChassis, LabPlan } from './plan';

/** OVN's name for the provider network the gateway chassis bridge to the external segment. */
export const PHYSICAL_NETWORK = 'physnet';
export const INTEGRATION_BRIDGE = 'br-int';
/** The bridge that owns the underlay uplink and holds the tunnel endpoint address (userspace tunnels need it there). */
export const UNDERLAY_BRIDGE = 'br-phy';
export const EXTERNAL_BRIDGE = 'br-ex';
/** The OVS bond that is the uplink when a chassis has two (the kernel here has no bonding driver; OVS bonds in userspace). */
export const UPLINK_BOND = 'bond0';

/**
 * One hypervisor: its own ovsdb-server and ovs-vswitchd (userspace datapath: the kernel here has
 * no OVS module, and the userspace datapath encapsulates by itself), the underlay bridge with the
 * tunnel endpoint, the integration bridge, and ovn-controller registered with the southbound DB.
 */
export async function buildChassis(plan: LabPlan, host: LabChassis, journal: Journal): Promise<void> {
  const gateway = host.roles.includes('gateway');
  await run(['ovsdb-tool', 'create', join(host.dir, 'conf.db'), '/usr/share/openvswitch/vswitch.ovsschema']);
  await startDaemon(journal, host, 'ovsdb-server', [`--remote=punix:${join(host.dir, 'db.sock')}`, join(host.dir, 'conf.db')]);
  await hostTool(host, ['ovs-vsctl', '--no-wait', 'init']);
  await startDaemon(journal, host, 'ovs-vswitchd', [`unix:${join(host.dir, 'db.sock')}`]);

  const netdev = (bridge: string) => ['--', 'add-br', bridge, '--', 'set', 'bridge', bridge, 'datapath_type=netdev'];
  const externalIds = {
    'system-id': host.name,
    hostname: host.name,
    'ovn-remote': connectionString(plan, DATABASES.southbound),
    'ovn-encap-type': plan.profile.encapsulation,
    'ovn-encap-ip': host.data,
    'ovn-bridge-datapath-type': 'netdev',
    // Installed flows stay for a second after ovn-controller (re)connects, until it has computed
    // their replacement: a restart or upgrade of ovn-controller then drops no packet.
    'ovn-ofctrl-wait-before-clear': '1000',
    ...(gateway ? { 'ovn-bridge-mappings': `${PHYSICAL_NETWORK}:${EXTERNAL_BRIDGE}`, 'ovn-cms-options': 'enable-chassis-as-gw' } : {}),
  };
  const { uplinks, route } = host.underlay;
  await hostTool(host, [
    'ovs-vsctl',
    ...netdev(UNDERLAY_BRIDGE),
    ...(uplinks.length > 1
      // The first uplink is the primary, so it carries the tunnels whenever it is up.
      ? ['--', 'add-bond', UNDERLAY_BRIDGE, UPLINK_BOND, ...uplinks, 'bond_mode=active-backup', `other_config:bond-primary=${uplinks[0]}`]
      : ['--', 'add-port', UNDERLAY_BRIDGE, uplinks[0]]),
    ...netdev(INTEGRATION_BRIDGE),
    '--', 'set', 'bridge', INTEGRATION_BRIDGE, 'fail-mode=secure',
    ...(gateway ? [...netdev(EXTERNAL_BRIDGE), '--', 'add-port', EXTERNAL_BRIDGE, 'eth2'] : []),
    '--', 'set', 'open_vswitch', '.', ...Object.entries(externalIds).map(([k, v]) => `external_ids:${k}="${v}"`),
  ]);
  await run(['ip', '-batch', '-'], {
    netns: host.netns,
    input: [
      `link set ${UNDERLAY_BRIDGE} mtu ${plan.profile.mtu.underlay} up`,
      `addr add ${host.data}/24 dev ${UNDERLAY_BRIDGE}`,
      // OVS routes userspace tunnels by the kernel's routes, so the other data subnet is reached through the underlay router.
      ...(route ? [`route add ${route.destination} via ${route.via} dev ${UNDERLAY_BRIDGE}`] : []),
      ...(gateway ? [`link set ${EXTERNAL_BRIDGE} up`] : []),
    ].join('\n') + '\n',
  });
  await startDaemon(journal, host, 'ovn-controller', [`unix:${join(host.dir, 'db.sock')}`]);
}
