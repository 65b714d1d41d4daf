/**
 * The one error type users see. It names where the problem is (a file and place, or a host) and how
 * to fix it; the CLI and the fixtures print it as text, never as a stack trace.
 */
export interface ErrorPlace {
  file?: string;
  line?: number;
  column?: number;
  /** A dotted path into the document, such as `networks[1].subnets[0].cidr`. */
  field?: string;
}

export class NetvetError extends Error {
  constructor(
    message: string,
    readonly fix?: string,
    readonly place: ErrorPlace = {},
  ) {
    super(message);
    this.name = 'NetvetError';
  }

  /** `file:line:col: field: message` and the fix on its own line, as compilers print errors. */
  format(): string {
    const { file, line, column, field } = this.place;
    const where = file ? `${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ` : '';
    const what = field ? `${field}: ` : '';
    return `${where}${what}${this.message}${this.fix ? `\n  fix: ${this.fix}` : ''}`;
  }
}

/** Several problems found in one pass (a topology with three mistakes reports all three). */
export class NetvetErrors extends Error {
  constructor(readonly errors: NetvetError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'NetvetErrors';
  }

  format(): string {
    return this.message;
  }
}

export function isUserError(error: unknown): error is NetvetError | NetvetErrors {
  return error instanceof NetvetError || error instanceof NetvetErrors;
}

/** Text for any error: user errors as they format themselves, others by message only. */
export function describeError(error: unknown): string {
  if (isUserError(error)) return error.format();
  if (error instanceof Error) return process.env.NETVET_DEBUG ? (error.stack ?? error.message) : error.message;
  return String(error);
}
