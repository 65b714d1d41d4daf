import { randomBytes } from 'node:crypto';

/**
 * Passwords netvet makes during a run (tenant users' logins) start with one random prefix per run,
 * kept in this environment variable: Playwright's config sets it, its workers inherit it, and the
 * report's redaction finds every such password by the prefix, without being told each one.
 */
const RUN_SECRET_PREFIX = 'NETVET_RUN_SECRET';
const RANDOM_HEX = 18;

function prefix(): string {
  return (process.env[RUN_SECRET_PREFIX] ??= randomBytes(RANDOM_HEX / 2).toString('hex'));
}

/** Sets the run's prefix if unset: called by the Playwright config, before any worker starts. */
export function ensureRunSecretPrefix(): void {
  prefix();
}

/** A new password, recognisable by the run's redaction. */
export function runPassword(): string {
  return `${prefix()}${randomBytes(RANDOM_HEX / 2).toString('hex')}`;
}

/** Every password `runPassword` made in this run, wherever it appears. */
export function runPasswordPattern(): RegExp {
  return new RegExp(`${prefix()}[0-9a-f]{${RANDOM_HEX}}`, 'g');
}
