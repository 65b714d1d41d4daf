import type { LabHost } from './plan';

/**
 * Where the OVS/OVN tools of a lab host keep sockets, pid files, logs and databases. A real host
 * uses /var/run/openvswitch and /var/run/ovn; each lab host has its own directory instead, so SSH
 * sessions get these variables too (sshd SetEnv) and `ovs-vsctl show` works there unchanged.
 */
export function hostEnv(host: LabHost): Record<string, string> {
  return {
    OVS_RUNDIR: host.dir,
    OVS_LOGDIR: host.dir,
    OVS_DBDIR: host.dir,
    OVN_RUNDIR: host.dir,
    OVN_LOGDIR: host.dir,
    OVN_DBDIR: host.dir,
  };
}
