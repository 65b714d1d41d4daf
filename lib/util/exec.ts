import { spawn } from 'node:child_process';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Run inside this network namespace (through `ip netns exec`). */
  netns?: string;
  timeoutMs?: number;
  input?: string;
  env?: NodeJS.ProcessEnv;
  /** Return a non-zero exit instead of throwing. */
  allowFail?: boolean;
}

export class CommandError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly result: ExecResult,
  ) {
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-3).join(' | ');
    super(`'${argv.join(' ')}' exited ${result.code}${detail ? `: ${detail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** Runs one argv on this machine (no shell), with a timeout that kills it. */
export function run(argv: readonly string[], options: RunOptions = {}): Promise<ExecResult> {
  const full = options.netns ? ['ip', 'netns', 'exec', options.netns, ...argv] : [...argv];
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const child = spawn(full[0], full.slice(1), {
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? (signal === 'SIGKILL' ? 124 : 128), stdout, stderr };
      if (signal === 'SIGKILL' && code === null) result.stderr += `\ntimed out after ${timeoutMs} ms`;
      if (result.code !== 0 && !options.allowFail) reject(new CommandError(full, result));
      else resolve(result);
    });
    if (child.stdin) {
      // A command may exit before reading all its input; that is its answer, not our error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}
