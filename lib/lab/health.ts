import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { checkTarget, type TargetCheck } from '../target/check';
import { run } from '../util/exec';
import { connectionString, DATABASES, raftStatus, type RaftStatus } from './control-plane';
import type { Journal } from './journal';
import { allHosts, type LabPlan } from './plan';
import { isAlive } from '../util/processes';
import { isOurs, readPidfile } from './processes';
import { sshAnswers } from './sshd';

export interface DaemonHealth {
  host: string;
  daemon: string;
  pid?: number;
  alive: boolean;
}

export interface LabHealth {
  healthy: boolean;
  problems: string[];
  daemons: DaemonHealth[];
  databases: Array<{ database: string; leader?: string; members: Array<{ host: string } & Partial<RaftStatus>> }>;
  northd: Array<{ host: string; status: string }>;
  chassis: Array<{ host: string; registered: boolean }>;
  ssh: Array<{ host: string; address: string; reachable: boolean }>;
  /** The lab's target file checked as any target is (lab status only). */
  target?: TargetCheck;
}

export function daemonHealth(plan: LabPlan, journal: Journal): DaemonHealth[] {
  return journal.entries().flatMap((entry) => {
    if (entry.kind !== 'daemon') return [];
    const pid = readPidfile(entry.pidfile);
    const daemon = entry.pidfile.slice(entry.pidfile.lastIndexOf('/') + 1).replace(/\.pid$/, '');
    return [{ host: entry.host, daemon, pid, alive: pid !== undefined && isAlive(pid) && isOurs(pid, plan.dir) }];
  });
}

async function northdStatus(dir: string): Promise<string> {
  const pid = readPidfile(join(dir, 'ovn-northd.pid'));
  if (pid === undefined) return 'down';
  const { code, stdout } = await run(['ovn-appctl', '-t', join(dir, `ovn-northd.${pid}.ctl`), 'status'], { allowFail: true, timeoutMs: 3000 });
  return code === 0 ? (/Status: (\w+)/.exec(stdout)?.[1] ?? 'unknown') : 'down';
}

async function registeredChassis(plan: LabPlan): Promise<Set<string>> {
  const { code, stdout } = await run(
    ['ovn-sbctl', `--db=${connectionString(plan, DATABASES.southbound)}`, '--no-leader-only', '--timeout=3',
      '--format=csv', '--no-headings', '--columns=name', 'list', 'Chassis'],
    { allowFail: true, timeoutMs: 5000 },
  );
  return new Set(code === 0 ? stdout.split('\n').map((l) => l.trim().replace(/^"|"$/g, '')).filter(Boolean) : []);
}

/** Everything `lab status` shows, read from the running daemons themselves. */
export async function checkHealth(plan: LabPlan, journal: Journal): Promise<LabHealth> {
  const daemons = daemonHealth(plan, journal);
  const [databases, northd, registered, ssh] = await Promise.all([
    Promise.all(
      Object.entries(DATABASES).map(async ([database, db]) => {
        const members = await Promise.all(plan.controls.map(async (host) => ({ host: host.name, ...(await raftStatus(host, db)) })));
        return { database, leader: members.find((m) => m.role === 'leader')?.host, members };
      }),
    ),
    Promise.all(plan.controls.slice(0, plan.profile.controlPlane.northd).map(async (host) => ({ host: host.name, status: await northdStatus(host.dir) }))),
    registeredChassis(plan),
    Promise.all(allHosts(plan).map(async (host) => ({ host: host.name, address: host.management, reachable: await sshAnswers(host.management) }))),
  ]);
  const chassis = plan.chassis.map((host) => ({ host: host.name, registered: registered.has(host.name) }));

  const problems = [
    ...daemons.filter((d) => !d.alive).map((d) => `${d.daemon} on ${d.host} is not running`),
    ...databases.filter((d) => !d.leader).map((d) => `the ${d.database} cluster has no leader`),
    ...databases.flatMap((d) => d.members.filter((m) => m.status !== 'cluster member').map((m) => `${d.database} member on ${m.host} is not a cluster member`)),
    ...(northd.some((n) => n.status === 'active') ? [] : ['no ovn-northd is active']),
    ...chassis.filter((c) => !c.registered).map((c) => `chassis ${c.host} is not registered in the southbound DB`),
    ...ssh.filter((s) => !s.reachable).map((s) => `sshd on ${s.host} (${s.address}) does not answer`),
  ];
  return { healthy: problems.length === 0, problems, daemons, databases, northd, chassis, ssh };
}

/**
 * Adds `netvet target check` of the lab's target file (the same code as for any target): every host
 * over SSH, the SDN's control plane, chassis and data path seen from the chassis, the external
 * network from the runner. Needs the target file and every sshd answering; `lab status` asks for
 * it, `lab up` does not (no target file yet).
 */
export async function withTargetCheck(health: LabHealth, targetFile: string): Promise<LabHealth> {
  if (!existsSync(targetFile) || !health.ssh.every((s) => s.reachable)) return health;
  const target = await checkTarget(targetFile);
  const problems = [...new Set([...health.problems, ...target.problems])];
  return { ...health, healthy: problems.length === 0, problems, target };
}
