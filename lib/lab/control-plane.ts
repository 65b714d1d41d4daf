import { join } from 'node:path';
import { run } from '../util/exec';
import { startDaemon } from './daemon';
import type { Journal } from './journal';
import type { LabHost, LabPlan } from './plan';
import { waitWhileProgressing } from './wait';

/** The two OVN databases, with the ports OVN uses by convention (clients, then Raft). */
export const DATABASES = {
  northbound: { schemaName: 'OVN_Northbound', file: 'ovnnb_db', schema: '/usr/share/ovn/ovn-nb.ovsschema', port: 6641, raftPort: 6643 },
  southbound: { schemaName: 'OVN_Southbound', file: 'ovnsb_db', schema: '/usr/share/ovn/ovn-sb.ovsschema', port: 6642, raftPort: 6644 },
} as const;
export type Database = (typeof DATABASES)[keyof typeof DATABASES];

export function connectionString(plan: LabPlan, db: Database): string {
  return plan.controls.map((c) => `tcp:${c.management}:${db.port}`).join(',');
}

export function raftAddress(host: LabHost, db: Database): string {
  return `tcp:${host.management}:${db.raftPort}`;
}

/** Control socket of a database server on a control host (as ovn-ctl names it). */
export function databaseControlSocket(host: LabHost, db: Database): string {
  return join(host.dir, `${db.file}.ctl`);
}

async function startDatabaseMember(plan: LabPlan, journal: Journal, host: LabHost, index: number, db: Database): Promise<void> {
  const file = join(host.dir, `${db.file}.db`);
  const leader = plan.controls[0];
  if (index === 0) await run(['ovsdb-tool', 'create-cluster', file, db.schema, raftAddress(host, db)]);
  else await run(['ovsdb-tool', 'join-cluster', file, db.schemaName, raftAddress(host, db), raftAddress(leader, db)]);
  await startDaemon(
    journal,
    host,
    'ovsdb-server',
    [
      `--unixctl=${databaseControlSocket(host, db)}`,
      `--remote=punix:${join(host.dir, `${db.file}.sock`)}`,
      `--remote=ptcp:${db.port}:${host.management}`,
      file,
    ],
    db.file,
  );
}

export interface RaftStatus {
  role: string;
  leader: string;
  status: string;
  term: number;
}

export async function raftStatus(host: LabHost, db: Database): Promise<RaftStatus | undefined> {
  const { code, stdout } = await run(['ovn-appctl', '-t', databaseControlSocket(host, db), 'cluster/status', db.schemaName], {
    allowFail: true,
    timeoutMs: 3000,
  });
  if (code !== 0) return undefined;
  const field = (name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(stdout)?.[1]?.trim() ?? '';
  return { role: field('Role'), leader: field('Leader'), status: field('Status'), term: Number(field('Term')) };
}

/** Waits while members join (a loaded machine may take long); fails naming the members that stopped short. */
async function waitForCluster(plan: LabPlan, db: Database, stallMs: number): Promise<void> {
  await waitWhileProgressing(`the ${db.schemaName} cluster`, async () => {
    const states = await Promise.all(plan.controls.map((host) => raftStatus(host, db)));
    const joined = states.filter((s) => s?.status === 'cluster member').length;
    const leader = states.some((s) => s?.role === 'leader');
    const short = plan.controls.flatMap((host, i) => (states[i]?.status === 'cluster member' ? [] : [`${host.name} ${states[i] ? `is '${states[i].status}'` : 'does not answer'}`]));
    return {
      done: joined === plan.controls.length && leader,
      reached: joined + (leader ? 1 : 0),
      missing: `${joined}/${plan.controls.length} members joined${short.length ? ` (${short.join(', ')})` : ''}${leader ? '' : ', no leader elected'}`,
    };
  }, { stallMs, pollMs: 50 });
}

/** OVN northbound and southbound databases as Raft clusters over the control hosts, then ovn-northd. */
export async function buildControlPlane(plan: LabPlan, journal: Journal): Promise<void> {
  await Promise.all(
    Object.values(DATABASES).flatMap((db) => plan.controls.map((host, index) => startDatabaseMember(plan, journal, host, index, db))),
  );
  await Promise.all(Object.values(DATABASES).map((db) => waitForCluster(plan, db, 15_000)));
  await run(['ovn-nbctl', `--db=${connectionString(plan, DATABASES.northbound)}`, '--no-wait', 'init'], { timeoutMs: 10_000 });
  const nb = `--ovnnb-db=${connectionString(plan, DATABASES.northbound)}`;
  const sb = `--ovnsb-db=${connectionString(plan, DATABASES.southbound)}`;
  await Promise.all(
    plan.controls.slice(0, plan.profile.controlPlane.northd).map((host) => startDaemon(journal, host, 'ovn-northd', [nb, sb])),
  );
}
