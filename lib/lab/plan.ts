import { join } from 'node:path';
import { NetvetError } from '../util/errors';
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
  /** Tunnel endpoint on the underlay, for chassis. */
  data?: string;
  /** The host's run directory: pid files, logs, sockets, databases (OVS_RUNDIR and OVN_RUNDIR). */
  dir: string;
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
  chassis: LabHost[];
  externalHost: LabHost;
  external: { cidr: string; floatingIps: [string, string]; routerGateways: [string, string] };
  targetFile: string;
}

export function stateRoot(): string {
  return process.env.NETVET_STATE_DIR ?? '/var/lib/netvet';
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

/** Every name and address of a lab, derived from its name, profile and address range alone. */
export function planLab(name: string, profile: LabProfile, range: string): LabPlan {
  checkLabName(name);
  const [a, b] = range.split('.');
  const net = (third: number, fourth: number) => `${a}.${b}.${third}.${fourth}`;
  const dir = labDir(name);
  const host = (hostName: string, roles: HostRole[], management: string, data?: string): LabHost => ({
    name: hostName,
    netns: `nv-${name}-${hostName}`,
    roles,
    management,
    data,
    dir: join(dir, hostName),
  });
  const controls = Array.from({ length: profile.controlPlane.members }, (_, i) => host(`ctl${i + 1}`, ['control'], net(0, 11 + i)));
  const computes = Array.from({ length: profile.chassis.compute }, (_, i) => host(`ch${i + 1}`, ['compute'], net(0, 21 + i), net(1, 21 + i)));
  const gateways = Array.from({ length: profile.chassis.gateway }, (_, i) => host(`gw${i + 1}`, ['gateway'], net(0, 41 + i), net(1, 41 + i)));
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
    external: { cidr: net(2, 0) + '/24', floatingIps: [net(2, 100), net(2, 199)], routerGateways: [net(2, 10), net(2, 99)] },
    targetFile: join(dir, 'target.yaml'),
  };
}

export function allHosts(plan: LabPlan): LabHost[] {
  return [...plan.controls, ...plan.chassis, plan.externalHost];
}
