import type { ExecResult } from '../util/exec';

export type { ExecResult };

export interface ExecOptions {
  timeoutMs?: number;
  input?: string;
}

/**
 * Runs commands on one place: a host over SSH, a workload inside a namespace, a pod. The argv is
 * passed as a list so no topology value is ever interpreted by a shell on the way.
 */
export interface Shell {
  /** A short name for logs and repro lines, such as `root@10.240.0.21` or `ns:wl-web-1@ch2`. */
  readonly name: string;
  exec(argv: readonly string[], options?: ExecOptions): Promise<ExecResult>;
}
