import { mkdirSync } from 'node:fs';
import { parse as parsePostgresUrl } from 'pg-connection-string';
import { stateRoot } from '../util/state';
import { NetvetError } from '../util/errors';
import { openPostgresLedger } from './postgres';
import type { Ledger } from './types';

/** Where the ledger is, as parsed from its URL. */
export type LedgerLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; shown: string };

const FIX = 'write a file path (`/var/lib/netvet/ledger.sqlite`, or `sqlite:/path/ledger.sqlite`) or a PostgreSQL URL (`postgres://user@host:5432/netvet`, `postgres:///netvet?host=/run/postgresql`)';

const SQLITE_FIX = "run 'netvet setup' (it installs build-essential and builds it), or: apt-get install -y build-essential python3 && npm rebuild better-sqlite3";

/** The ledger when none is named: an SQLite file beside netvet's other state. */
export const defaultLedgerUrl = () => `${stateRoot()}/ledger.sqlite`;

/**
 * Reads a ledger URL: a path or `sqlite:PATH` is an SQLite file, `postgres://` / `postgresql://` a
 * PostgreSQL database. `origin` names where it was written (`NETVET_LEDGER`, `--ledger`) for the error.
 */
export function parseLedgerUrl(text: string, origin: string): LedgerLocation {
  const at = { field: origin };
  const value = text.trim();
  if (!value) throw new NetvetError('the ledger URL is empty', FIX, at);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
  if (!scheme) return { kind: 'sqlite', file: value };
  if (scheme === 'sqlite') {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new NetvetError(`'${value}' names no SQLite file`, 'write the file after the scheme: `sqlite:/var/lib/netvet/ledger.sqlite`', at);
    return { kind: 'sqlite', file };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let database: string | null | undefined;
    try {
      // pg's own parser: it also takes a unix socket folder as `?host=/run/postgresql`.
      database = parsePostgresUrl(value).database;
    } catch {
      throw new NetvetError(`'${redact(value)}' is not a valid PostgreSQL URL`, 'write it as `postgres://user:password@host:5432/database` (percent-encode special characters in the password)', at);
    }
    if (!database) throw new NetvetError(`'${redact(value)}' names no database`, 'add the database after the host: `postgres://user@host:5432/netvet`', at);
    return { kind: 'postgres', url: value, shown: redact(value) };
  }
  throw new NetvetError(`'${scheme}:' is not a ledger netvet can write (SQLite or PostgreSQL)`, FIX, at);
}

/** Opens (and creates the tables of) the ledger at `url`; a failure is an error naming the ledger and the fix. */
export async function openLedger(url: string, origin: string): Promise<Ledger> {
  const where = parseLedgerUrl(url, origin);
  if (where.kind === 'sqlite') {
    // netvet's own state folder may not exist yet; a folder the user named must (a typo should not become a new tree).
    if (url === defaultLedgerUrl()) mkdirSync(stateRoot(), { recursive: true });
    // better-sqlite3 is an optional dependency, compiled on this machine: a run without a ledger needs no compiler.
    const sqlite = await import('./sqlite').catch((error: unknown) => {
      throw new NetvetError(`the SQLite ledger needs better-sqlite3, which is not built on this machine (${(error as Error).message.split('\n')[0]})`, SQLITE_FIX, { field: origin });
    });
    try {
      return sqlite.openSqliteLedger(where.file);
    } catch (error) {
      if (/bindings|\.node\b|Could not locate/i.test((error as Error).message)) throw new NetvetError(`the SQLite ledger needs better-sqlite3 compiled on this machine: ${(error as Error).message.split('\n')[0]}`, SQLITE_FIX, { field: origin });
      throw new NetvetError(
        `cannot open the SQLite ledger: ${(error as Error).message}`,
        'name a file in an existing folder the user running netvet can write (the file is created if missing)',
        { file: where.file, field: origin },
      );
    }
  }
  try {
    return await openPostgresLedger(where.url);
  } catch (error) {
    throw new NetvetError(
      `cannot reach the PostgreSQL ledger ${where.shown}: ${(error as Error).message}`,
      'check that the server runs and accepts this user and database (`psql "URL" -c "select 1"` says the same)',
      { field: origin },
    );
  }
}

/** The URL without its password: it goes into messages and logs. */
function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@/]*@/i, '$1:***@');
}
