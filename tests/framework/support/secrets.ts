import { unzipSync } from 'fflate';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A file, or an entry of a zip file (a Playwright trace), whose text contains a secret. */
export interface SecretFound {
  where: string;
  secret: string;
}

/** Regular files under `dir`, recursively, written at or after `since` (ms since the epoch). */
export function filesSince(dir: string, since: number): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => statSync(path).mtimeMs >= since);
}

/** Where any of `secrets` appears in `files`, looking inside zip files (traces) entry by entry. */
export function secretsIn(files: readonly string[], secrets: ReadonlyArray<string | RegExp>): SecretFound[] {
  const found: SecretFound[] = [];
  const scan = (where: string, text: string) => {
    for (const secret of secrets) {
      const hit = typeof secret === 'string' ? text.includes(secret) : new RegExp(secret.source).test(text);
      if (hit) found.push({ where, secret: String(secret) });
    }
  };
  for (const file of files) {
    const data = readFileSync(file);
    if (data.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004') {
      for (const [name, entry] of Object.entries(unzipSync(data))) scan(`${file}!${name}`, Buffer.from(entry).toString('latin1'));
    } else scan(file, data.toString('latin1'));
  }
  return found;
}
