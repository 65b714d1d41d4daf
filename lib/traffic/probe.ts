import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { quoteArgv, type Shell } from '../access';

const PROBE_FILE = fileURLToPath(new URL('./agents/probe.py', import.meta.url));
const PROBE_SCRIPT = readFileSync(PROBE_FILE, 'utf8');

export type ProbeKind = 'icmp' | 'tcp' | 'udp' | 'http';

export interface ProbeTarget {
  kind: ProbeKind;
  address: string;
  /** For tcp, udp and http. */
  port?: number;
}

export interface ProbeResult {
  ok: boolean;
  /** Who answered and the source address it saw (`vm2 10.1.0.3`), when the far side is a netvet responder. */
  reply?: string;
  error?: string;
  ms: number;
  /** A command that repeats this probe by hand. */
  repro: string;
}

/** How to run `argv` by hand through `shell`: the shell's own description, else a readable line. */
export function reproduce(shell: Shell, argv: readonly string[]): string {
  return `[${shell.name}] ${quoteArgv(argv)}`;
}

/** The argv of one probe; the script travels as an argument, so nothing is installed on the source. */
export function probeArgv(target: ProbeTarget, timeoutS: number): string[] {
  if (target.kind === 'icmp') return ['ping', '-n', '-q', '-c', '1', '-W', String(timeoutS), target.address];
  return ['python3', '-c', PROBE_SCRIPT, target.kind, target.address, String(target.port ?? 0), String(timeoutS)];
}

/** One probe from `from` to `target`, with a short timeout (a denied flow costs at most that). */
export async function probe(from: Shell, target: ProbeTarget, timeoutS = 1): Promise<ProbeResult> {
  const argv = probeArgv(target, timeoutS);
  const started = performance.now();
  const result = await from.exec(argv, { timeoutMs: (timeoutS + 10) * 1000 });
  const ms = Math.round(performance.now() - started);
  const repro = reproduce(from, target.kind === 'icmp' ? argv : ['python3', PROBE_FILE, ...argv.slice(3)]);
  if (target.kind === 'icmp') {
    return { ok: result.code === 0, ms, repro, ...(result.code === 0 ? {} : { error: result.code === 1 ? 'no reply' : result.stderr.trim() || `exit ${result.code}` }) };
  }
  try {
    const parsed = JSON.parse(result.stdout) as { ok: boolean; reply?: string; error?: string };
    return { ok: parsed.ok, reply: parsed.reply, error: parsed.error, ms, repro };
  } catch {
    return { ok: false, error: `probe did not run: ${(result.stderr || result.stdout).trim().split('\n').pop()}`, ms, repro };
  }
}

/** Repeats a probe until it succeeds or `withinMs` passes: a flow that should pass may need the network to converge. */
export async function probeUntilOk(from: Shell, target: ProbeTarget, withinMs: number): Promise<ProbeResult> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const result = await probe(from, target);
    if (result.ok || Date.now() >= deadline) return result;
    // A refusal comes back at once: pause so sixteen cells do not spin SSH channels flat out.
    if (result.ms < 200) await sleep(100);
  }
}
