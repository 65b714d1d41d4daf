import { join } from 'node:path';
import { NetvetError } from '../util/errors';
import { stateRoot } from '../util/state';
import type { HostRole } from '../target/schema';
import type { LabProfile } from './profile';

/** A lab's name becomes part of namespace and interface names, so it is short and plain. */
export const LAB_NAME = /^[a-z][a-z0-9]{0,7}$/;

export interface LabHost {
  /** Name in the target file and the host's own hostname (ctl1, ch2, gw1, ext1). */
  name: string;
  netns: string;
  roles: HostRole[];
  /** Management address (SSH, OVSDB); the external host has none and is reached on the external network. */
  management: string;
  /** The host's run directory: pid files, logs, sockets, databases (OVS_RUNDIR and OVN_RUNDIR). */
  dir: string;
}

/** A chassis: a host with a tunnel endpoint on the underlay. */
export interface LabChassis extends LabHost {
  /** Tunnel endpoint on the underlay. */
  data: string;
  /** The fabric segment (bridge) its uplinks join, its uplinks (two make an OVS bond), and with a routed underlay the route to the other data subnet. */
  underlay: { segment: string; uplinks: string[]; route?: { destination: string; via: string } };
}

export interface LabPlan {
  name: string;
  dir: string;
  profile: LabProfile;
  /** The /16 this lab owns; fenced by an `unreachable` route in the root namespace. */
  range: string;
  fabricNetns: string;
  /** Root-namespace ends of the links into the management and external segments. */
  rootLinks: { management: string; external: string };
  runner: { management: string; external: string };
  controls: LabHost[];
  chassis: LabChassis[];
  externalHost: LabHost;
  /** With a routed underlay: the host joining the two data subnets, one leg in each. */
  underlayRouter?: { host: LabHost; legs: Array<{ iface: string; segment: string; address: string }> };
  external: { cidr: string; floatingIps: [string, string]; routerGateways: [string, string] };
  targetFile: string;
}


export function labDir(name: string): string {
  return join(stateRoot(), 'labs', name);
}

export function checkLabName(name: string): void {
  if (!LAB_NAME.test(name)) {
    throw new NetvetError(
      `lab name '${name}' is not usable in interface names`,
      'use 1-8 lower-case letters or digits, starting with a letter (--name lab2)',
    );
  }
}

/** The data subnets (third octet, fabric segment, router leg): the flat underlay uses the first; a routed one both. */
const DATA_SUBNETS = [
  { third: 1, segment: 'data', routerIface: 'eth0' },
  { third: 3, segment: 'data2', routerIface: 'eth2' },
] as const;

/** Every name and address of a lab, derived from its name, profile and address range alone. */
export function planLab(name: string, profile: LabProfile, range: string): LabPlan {
  checkLabName(name);
  const [a, b] = range.split('.');
  const net = (third: number, fourth: number) => `${a}.${b}.${third}.${fourth}`;
  const dir = labDir(name);
  const host = (hostName: string, roles: HostRole[], management: string): LabHost => ({
    name: hostName,
    netns: `nv-${name}-${hostName}`,
    roles,
    management,
    dir: join(dir, hostName),
  });
  const controls = Array.from({ length: profile.controlPlane.members }, (_, i) => host(`ctl${i + 1}`, ['control'], net(0, 11 + i)));
  const routed = profile.underlay?.routed ?? false;
  const bond = profile.underlay?.bond ?? false;
  // A routed underlay alternates the chassis between the two data subnets, so each holds some.
  const chassis = (hostName: string, roles: HostRole[], last: number, position: number): LabChassis => {
    const own = DATA_SUBNETS[routed ? position % 2 : 0];
    const other = DATA_SUBNETS[routed ? (position + 1) % 2 : 0];
    const bonded = bond === true || (Array.isArray(bond) && bond.includes(hostName));
    return {
      ...host(hostName, roles, net(0, last)),
      data: net(own.third, last),
      underlay: {
        segment: own.segment,
        uplinks: bonded ? ['eth0', 'eth3'] : ['eth0'],
        ...(routed ? { route: { destination: net(other.third, 0) + '/24', via: net(own.third, 1) } } : {}),
      },
    };
  };
  const computes = Array.from({ length: profile.chassis.compute }, (_, i) => chassis(`ch${i + 1}`, ['compute'], 21 + i, i));
  const gateways = Array.from({ length: profile.chassis.gateway }, (_, i) => chassis(`gw${i + 1}`, ['gateway'], 41 + i, computes.length + i));
  return {
    name,
    dir,
    profile,
    range,
    fabricNetns: `nv-${name}-fabric`,
    rootLinks: { management: `${name}-mg`, external: `${name}-ex` },
    runner: { management: net(0, 1), external: net(2, 1) },
    controls,
    chassis: [...computes, ...gateways],
    externalHost: host('ext1', ['external'], net(2, 2)),
    ...(routed
      ? { underlayRouter: { host: host('rt1', ['router'], net(0, 31)), legs: DATA_SUBNETS.map((s) => ({ iface: s.routerIface, segment: s.segment, address: net(s.third, 1) })) } }
      : {}),
    external: { cidr: net(2, 0) + '/24', floatingIps: [net(2, 100), net(2, 199)], routerGateways: [net(2, 10), net(2, 99)] },
    targetFile: join(dir, 'target.yaml'),
  };
}

export function allHosts(plan: LabPlan): LabHost[] {
  return [...plan.controls, ...plan.chassis, plan.externalHost, ...(plan.underlayRouter ? [plan.underlayRouter.host] : [])];
}
