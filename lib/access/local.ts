import { run } from '../util/exec';
import type { ExecOptions, ExecResult, Shell } from './shell';

/** Runs argv on the machine netvet runs on (the runner itself), optionally inside a namespace. */
export class LocalShell implements Shell {
  readonly name: string;

  constructor(private readonly netns?: string) {
    this.name = netns ? `ns:${netns}@local` : 'local';
  }

  async exec(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    try {
      return await run(argv, { netns: this.netns, timeoutMs: options.timeoutMs, input: options.input, allowFail: true });
    } catch (error) {
      // A missing program answers like a shell would (127), the same as over SSH.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return { code: 127, stdout: '', stderr: `${argv[0]}: command not found` };
      }
      throw error;
    }
  }
}
