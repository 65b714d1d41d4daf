import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A program netvet runs and the Debian package that ships it. */
export interface Requirement {
  program: string;
  pkg: string;
}

export function onPath(program: string): boolean {
  if (program.startsWith('/')) return canRun(program);
  const dirs = (process.env.PATH ?? '').split(delimiter).concat(['/usr/sbin', '/sbin']);
  return dirs.some((dir) => canRun(join(dir, program)));
}

function canRun(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function missing(requirements: readonly Requirement[]): Requirement[] {
  return requirements.filter((r) => !onPath(r.program));
}
