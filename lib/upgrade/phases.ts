import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LocalShell } from '../access';
import type { Deployment } from '../orchestrators';
import { withTarget, type OpenTarget } from '../orchestrators/lifecycle';
import { applyTopologyFile, destroyTopologies, withKeptDeployment } from '../orchestrators/runs';
import { pollFor } from '../sdn/ovn/cluster';
import { TargetHosts } from '../target/hosts';
import { loadTarget } from '../target/load';
import { settledGateway } from '../sdn/ovn/control-plane';
import type { Target } from '../target/schema';
import { endpointResolver } from '../traffic/endpoints';
import { TrafficMonitor, type MonitorKind, type MonitorReport } from '../traffic/monitor';
import { monitorBetween, monitorEnds, reattachMonitor } from '../traffic/monitor-endpoints';
import { summarize, violations } from '../traffic/monitor-expect';
import { probe, probeUntilOk, type ProbeKind } from '../traffic/probe';
import { NetvetError } from '../util/errors';
import { defaultStateFile, readState, removeState, writeState, type UpgradeState } from './state';

/**
 * The upgrade tier (Tobiko's idea): `pre` builds long-lived workloads and starts background
 * traffic, `run` upgrades the target, `post` finds the same workloads, checks they still work,
 * reads what the traffic lost during the upgrade, and removes everything. Each phase may run in a
 * process of its own; the state file carries what the next one needs.
 */
export const UPGRADE_TOPOLOGY = fileURLToPath(new URL('../../topologies/ha.yaml', import.meta.url));

export interface PhaseOptions {
  targetFile: string;
  /** Default: <state dir>/upgrade/<target name>.json */
  stateFile?: string;
  log?: (line: string) => void;
}

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface PostResult {
  problems: string[];
  checks: Check[];
  traffic: MonitorReport[];
  upgrade: UpgradeState['upgrade'];
}

/** Background traffic that runs through the upgrade: east-west, through the floating IP, out by SNAT. */
function monitorsFor(target: Target): Array<{ from: string; to: string; kind: MonitorKind }> {
  const external = target.hosts.find((h) => h.roles.includes('external'))?.name;
  return [
    { from: 'vm1', to: 'vm2', kind: 'icmp' },
    { from: 'vm1', to: 'vm2', kind: 'tcp' },
    { from: 'runner', to: 'fip1', kind: 'icmp' },
    { from: 'runner', to: 'fip1', kind: 'udp' },
    ...(external ? [{ from: 'vm2', to: external, kind: 'icmp' as const }] : []),
  ];
}

/** The workloads work: each flow passes where it should, and the unbound floating IP (negative control) answers nothing. */
async function workloadChecks(deployment: Deployment, hosts: TargetHosts): Promise<Check[]> {
  const endpoint = endpointResolver(deployment, hosts);
  const external = hosts.withRole('external')[0]?.name;
  const flows: Array<{ from: string; to: string; kind: ProbeKind; port?: number; pass: boolean; answeredBy?: string }> = [
    { from: 'vm1', to: 'vm2', kind: 'icmp', pass: true },
    { from: 'vm1', to: 'vm2', kind: 'tcp', port: 5000, pass: true, answeredBy: 'vm2' },
    { from: 'runner', to: 'fip1', kind: 'tcp', port: 5000, pass: true, answeredBy: 'vm1' },
    ...(external ? [{ from: 'vm2', to: external, kind: 'icmp' as const, pass: true }] : []),
    { from: 'runner', to: 'fip2', kind: 'tcp', port: 5000, pass: false },
  ];
  return Promise.all(
    flows.map(async (flow) => {
      const source = endpoint(flow.from).shell!;
      const target = { kind: flow.kind, address: endpoint(flow.to).address, port: flow.port };
      const result = flow.pass ? await probeUntilOk(source, target, 15_000) : await probe(source, target);
      const answeredBy = result.reply?.split(' ')[0];
      const ok = result.ok === flow.pass && (!flow.answeredBy || answeredBy === flow.answeredBy);
      const name = `${flow.from} -> ${flow.to} ${flow.kind}${flow.port ? `/${flow.port}` : ''}: ${flow.pass ? 'allow' : 'deny (unbound floating IP)'}`;
      const detail = result.ok ? `answered${answeredBy ? ` by ${answeredBy}` : ''}` : `no answer (${result.error})`;
      return { name, ok, detail: ok ? detail : `${detail}; repro: ${result.repro}` };
    }),
  );
}

async function healthyOrThrow({ sdn, target }: OpenTarget, when: string, withinMs: number): Promise<void> {
  const health = await sdn.healthWithin(withinMs);
  if (!health.healthy) throw new NetvetError(`target '${target.name}' is unhealthy ${when}:\n${health.text}`, 'repair the target (netvet target check, or netvet lab status for a lab), then run this phase again');
}

/** `upgrade pre`: a healthy target, the workloads built and working, background traffic started, the state saved. */
export async function upgradePre(options: PhaseOptions): Promise<UpgradeState> {
  const log = options.log ?? (() => undefined);
  return withTarget(options.targetFile, async (open) => {
    const stateFile = options.stateFile ?? defaultStateFile(open.target);
    if (existsSync(stateFile)) throw new NetvetError(`an upgrade is already in progress (${stateFile})`, "finish it with 'netvet upgrade post', or remove the file and 'netvet cleanup --all'");
    await healthyOrThrow(open, 'before the upgrade', 60_000);
    const { deployment: built } = await applyTopologyFile(UPGRADE_TOPOLOGY, options.targetFile);
    log(`pre: built ${built.prefix} (${Object.keys(built.workloads).join(', ')})`);
    const started: UpgradeState['monitors'] = [];
    try {
      // Found again through the driver, as post will: its shells live as long as this phase.
      return await withKeptDeployment({ prefix: built.prefix }, options.targetFile, async ({ deployment, hosts: own }) => {
        try {
          const router = deployment.routers.r1?.externalAddress;
          if (router && !(await pollFor(() => settledGateway(own, router), 20_000))) {
            throw new NetvetError(`the gateway port of r1 (${router}) does not settle on its first gateway chassis`, 'check BFD between the gateway chassis (ovs-vsctl list interface, bfd_status)');
          }
          const failed = (await workloadChecks(deployment, own)).filter((c) => !c.ok);
          if (failed.length) throw new NetvetError(`the workloads do not work before the upgrade: ${failed.map((c) => `${c.name} ${c.detail}`).join('; ')}`, 'fix the target first: the upgrade tier compares after with before');
          for (const m of monitorsFor(own.target)) {
            const monitor = await monitorBetween(deployment, own, m.from, m.to, m.kind, { intervalMs: 50, maxSeconds: 4 * 3600 });
            started.push({ ...m, far: monitorEnds(deployment, own, m.from, m.to).far, placement: monitor.placement });
            log(`pre: traffic ${monitor.label} every 50 ms`);
          }
          const state: UpgradeState = { version: 1, targetFile: options.targetFile, topology: UPGRADE_TOPOLOGY, prefix: deployment.prefix, startedAt: new Date().toISOString(), monitors: started };
          writeState(stateFile, state);
          log(`pre: state in ${stateFile}`);
          return state;
        } catch (error) {
          for (const m of started) await reattachMonitor(deployment, own, m.from, m.far, m.placement).stop().catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      await destroyTopologies({ prefix: built.prefix });
      throw error;
    }
  });
}

/** A user's upgrade command, run on the runner with NETVET_TARGET set; its output goes to `log`. */
function runCommand(command: string, targetFile: string, timeoutMinutes: number, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, NETVET_TARGET: targetFile }, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = (chunk: Buffer) => chunk.toString().split('\n').filter(Boolean).forEach((line) => log(`upgrade command: ${line}`));
    child.stdout.on('data', lines);
    child.stderr.on('data', lines);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMinutes * 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new NetvetError(`the upgrade command ${signal ? `was killed (${signal}${signal === 'SIGKILL' ? `, past ${timeoutMinutes} min` : ''})` : `exited ${code}`}: ${command}`, 'fix upgrade.command in the target file, or the target it upgrades'));
    });
  });
}

/** `upgrade run`: the target's procedure (its upgrade.command, else the rolling restart), healthy before and after. */
export async function upgradeRun(options: PhaseOptions): Promise<UpgradeState> {
  const log = options.log ?? (() => undefined);
  return withTarget(options.targetFile, async (open) => {
    const stateFile = options.stateFile ?? defaultStateFile(open.target);
    const state = readState(stateFile);
    await healthyOrThrow(open, 'before the upgrade', 60_000);
    const startedAt = new Date().toISOString();
    const started = Date.now();
    const command = open.target.upgrade;
    let steps;
    if (command) {
      await runCommand(command.command, options.targetFile, command.timeoutMinutes, log);
      steps = [{ step: `upgrade command: ${command.command}`, ms: Date.now() - started }];
    } else {
      steps = await open.sdn.rollingUpgrade(log);
    }
    state.upgrade = { procedure: command ? 'command' : 'rolling restart', startedAt, finishedAt: new Date().toISOString(), steps };
    writeState(stateFile, state);
    await healthyOrThrow(open, 'after the upgrade', 120_000);
    return state;
  });
}

/**
 * `upgrade post`: the same workloads found again and checked, the traffic monitors read (every
 * stream must flow again), everything removed. Problems are returned, not thrown, so the
 * cleanup always happens and the report shows everything at once.
 */
export async function upgradePost(options: PhaseOptions): Promise<PostResult> {
  const log = options.log ?? (() => undefined);
  const stateFile = options.stateFile ?? defaultStateFile(await loadTarget(options.targetFile));
  const state = readState(stateFile);
  const problems: string[] = [];
  if (!state.upgrade) problems.push("the upgrade was never run ('netvet upgrade run' did not finish)");
  let checks: Check[] = [];
  const traffic: MonitorReport[] = [];
  const stopped = new Set<UpgradeState['monitors'][number]>();
  try {
    await withKeptDeployment({ prefix: state.prefix }, options.targetFile, async ({ deployment, hosts, open }) => {
      const health = await open.sdn.healthWithin(120_000);
      if (!health.healthy) problems.push(`the target is unhealthy after the upgrade:\n${health.text}`);
      checks = await workloadChecks(deployment, hosts);
      problems.push(...checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`));
      for (const m of state.monitors) {
        stopped.add(m);
        try {
          const report = await reattachMonitor(deployment, hosts, m.from, m.far, m.placement).stop();
          traffic.push(report);
          log(`post: ${summarize(report)}`);
          problems.push(...violations(report, { recovers: true }).map((v) => `${report.label}: ${v}`));
        } catch (error) {
          problems.push(`${m.from} -> ${m.to} ${m.kind}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  } finally {
    // Monitors inside workloads end with them; one on the runner is stopped here whatever happened.
    for (const m of state.monitors.filter((m) => !stopped.has(m) && m.from === 'runner')) {
      await TrafficMonitor.attach(new LocalShell(), m.placement).stop().catch(() => undefined);
    }
    await destroyTopologies({ prefix: state.prefix });
    removeState(stateFile);
    log(`post: removed ${state.prefix} and ${stateFile}`);
  }
  return { problems, checks, traffic, upgrade: state.upgrade };
}
