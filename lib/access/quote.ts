/**
 * Builds the one command string an SSH exec request carries. sshd hands it to the login shell
 * (`$SHELL -c`), which must be POSIX-like (sh, bash, dash, zsh): inside single quotes every byte is
 * literal, so each element is wrapped in '...' and an embedded ' becomes '\'' (close, escaped quote,
 * reopen). Every element is quoted, even plain words, so the first one is never read as a reserved
 * word (`time`, `if`) or an assignment (`A=b`).
 */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('cannot run an empty argv');
  return argv.map(quoteArg).join(' ');
}

function quoteArg(arg: string): string {
  // sshd reads the command as a C string: a NUL would cut it short, so refuse it like spawn() does.
  if (arg.includes('\0')) throw new Error(`argument contains a NUL byte: ${JSON.stringify(arg)}`);
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}
