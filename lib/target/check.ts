import { LocalShell } from '../access';
import { withTarget } from '../orchestrators/lifecycle';
import type { SdnHealth } from '../sdn/types';
import { describeError } from '../util/errors';

/** Every host over SSH, the SDN's own health, the external network from the runner: what `target check` and `lab status` print. */
export interface TargetCheck {
  target: string;
  targetFile: string;
  sdn: string;
  orchestrator: string;
  healthy: boolean;
  /** Each problem in words, with the fix where netvet knows it. */
  problems: string[];
  ssh: Array<{ host: string; address: string; answers: boolean; error?: string }>;
  /** Absent when no host answers SSH (the SDN's health is read through them). */
  health?: SdnHealth;
  external?: { gateway: string; reachable: boolean };
}

const SSH_TIMEOUT_MS = 5000;

/**
 * `netvet target check`: is this target usable, whoever built it? Every host is reached over SSH as
 * the scenarios will reach it, the SDN checks its control plane, nodes and data path (OVN: Raft
 * members or standalone databases, northd, every chassis under the name netvet will use, tunnels
 * between chassis), and the runner must reach the external network's gateway.
 */
export async function checkTarget(targetFile: string): Promise<TargetCheck> {
  return withTarget(targetFile, async ({ target, hosts, sdn, orchestrator }) => {
    const ssh = await Promise.all(
      target.hosts.map(async (host) => {
        try {
          const { code, stderr } = await hosts.shell(host.name).exec(['true'], { timeoutMs: SSH_TIMEOUT_MS });
          return { host: host.name, address: host.management, answers: code === 0, ...(code === 0 ? {} : { error: stderr.trim() || `exit ${code}` }) };
        } catch (error) {
          // The message alone: the fix is the target file's, said once below.
          return { host: host.name, address: host.management, answers: false, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const health = ssh.some((s) => s.answers)
      ? await sdn.health().catch((error: unknown): SdnHealth => ({ healthy: false, problems: [describeError(error)], text: describeError(error) }))
      : undefined;
    const gateway = target.externalNetwork?.gateway;
    const external = gateway
      ? { gateway, reachable: (await new LocalShell().exec(['ping', '-c', '1', '-W', '2', gateway], { timeoutMs: 5000 })).code === 0 }
      : undefined;
    const problems = [
      ...ssh.filter((s) => !s.answers).map((s) => `host ${s.host} (${s.address}) does not answer SSH: ${s.error} (check hosts[].management, access.ssh and that sshd runs there)`),
      ...(health?.problems ?? []),
      ...(external && !external.reachable
        ? [`the runner does not reach the external network's gateway ${external.gateway} (route ${target.externalNetwork!.cidr} from this machine, or fix externalNetwork.gateway)`]
        : []),
    ];
    return { target: target.name, targetFile, sdn: sdn.name, orchestrator: orchestrator.name, healthy: problems.length === 0, problems, ssh, ...(health ? { health } : {}), ...(external ? { external } : {}) };
  });
}

/** The check as `target check` and `lab status` print it: a line per part, then each problem. */
export function describeCheck(check: TargetCheck): string {
  return [
    `target '${check.target}' (${check.sdn} through ${check.orchestrator}): ${check.healthy ? 'healthy' : 'UNHEALTHY'}`,
    `  ssh: ${check.ssh.map((s) => `${s.host}=${s.answers ? 'ok' : 'NO ANSWER'}`).join(' ')}`,
    ...(check.health ? check.health.text.split('\n').filter((l) => !l.startsWith('! ')).map((l) => `  ${l}`) : ['  sdn: not checked (no host answers SSH)']),
    ...(check.external ? [`  external network: gateway ${check.external.gateway} ${check.external.reachable ? 'reachable' : 'NOT REACHABLE'} from the runner`] : []),
    ...check.problems.map((p) => `  ! ${p}`),
    `  target file: ${check.targetFile}`,
  ].join('\n');
}
