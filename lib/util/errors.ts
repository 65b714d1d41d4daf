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

  /**
   * `file:line:col: field: message` and the fix on its own line, as compilers print errors. Every
   * part may quote a file's content, so control characters are escaped and continuation lines of
   * the message indented: nothing read from a file can move the cursor or print a line of its own.
   */
  format(): string {
    const { file, line, column, field } = this.place;
    const where = file ? `${printable(file, false)}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ` : '';
    const what = field ? `${printable(field, false)}: ` : '';
    const message = printable(this.message, true).replace(/\n(?!\s)/g, '\n    ');
    return `${where}${what}${message}${this.fix ? `\n  fix: ${printable(this.fix, false)}` : ''}`;
  }
}

/** Errors printed before "and N more": a file with thousands of mistakes has one mistake made thousands of times. */
export const MAX_PRINTED_ERRORS = 20;

/** Several problems found in one pass (a topology with three mistakes reports all three). */
export class NetvetErrors extends Error {
  constructor(readonly errors: NetvetError[]) {
    const shown = errors.slice(0, MAX_PRINTED_ERRORS).map((e) => e.format());
    const more = errors.length - shown.length;
    super([...shown, ...(more > 0 ? [`and ${more} more error${more === 1 ? '' : 's'} (fix these first)`] : [])].join('\n'));
    this.name = 'NetvetErrors';
  }

  format(): string {
    return this.message;
  }
}

export function isUserError(error: unknown): error is NetvetError | NetvetErrors {
  return error instanceof NetvetError || error instanceof NetvetErrors;
}

/** Text for any error: user errors as they format themselves, others by message only (escaped: it may quote a file). */
export function describeError(error: unknown): string {
  if (isUserError(error)) return error.format();
  if (error instanceof Error) return printable(process.env.NETVET_DEBUG ? (error.stack ?? error.message) : error.message, true);
  return printable(String(error), true);
}

/**
 * `text` safe for a terminal: C0 and C1 control characters (escape sequences, carriage returns,
 * NUL) and bidirectional overrides written as `\xNN` / `\u{NNNN}`; newlines kept when `lines`.
 */
export function printable(text: string, lines: boolean): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n' && lines) return c;
    const code = c.charCodeAt(0);
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * A user error as Playwright should print it: the located text with its fix, once. Playwright
 * prints a thrown error's stack (frames and a code excerpt of netvet's own source) and each of an
 * aggregate's errors again; this error has the formatted text as its whole stack and no parts.
 */
export function asTestFailure(error: NetvetError | NetvetErrors): Error {
  const failure = new Error(error.format());
  failure.name = 'NetvetError';
  failure.stack = `${failure.name}: ${failure.message}`;
  return failure;
}
