import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';
import type { VcenterLogin } from './vim25/client';

/** `KEY=VALUE` lines (blank lines and # comments skipped; quotes around a value dropped), as shells and govc read them. */
function parseEnvFile(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^\s*(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match) values.set(match[1], match[2].trim().replace(/^(['"])(.*)\1$/, '$2'));
  }
  return values;
}

/**
 * The vCenter login of a target's `vmware` section: the URL from the section, the user, password
 * and CA certificates from its credentials file (govc's GOVC_* or the VSPHERE_* names), else from
 * the same variables in the environment. A password never comes from the target file itself.
 */
export function vcenterLogin(section: NonNullable<Target['vmware']>, targetFile: string | undefined, env: NodeJS.ProcessEnv = process.env): VcenterLogin {
  const field = 'vmware.credentials';
  let values = new Map(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  if (section.credentials) {
    if (!existsSync(section.credentials)) throw new NetvetError(`the vCenter credentials file ${section.credentials} does not exist`, 'point vmware.credentials at a file of GOVC_USERNAME=, GOVC_PASSWORD= lines', { file: targetFile, field });
    if ((statSync(section.credentials).mode & 0o077) !== 0) {
      throw new NetvetError(`the vCenter credentials file ${section.credentials} is readable by others`, `chmod 600 ${section.credentials}`, { file: targetFile, field });
    }
    values = parseEnvFile(readFileSync(section.credentials, 'utf8'));
  }
  const pick = (...names: string[]) => names.map((n) => values.get(n)).find((v) => v !== undefined && v !== '');
  const username = pick('GOVC_USERNAME', 'VSPHERE_USER');
  const password = pick('GOVC_PASSWORD', 'VSPHERE_PASSWORD');
  const where = section.credentials ?? 'the environment';
  if (!username || !password) {
    throw new NetvetError(`no vCenter user and password in ${where}`, 'set GOVC_USERNAME and GOVC_PASSWORD (or VSPHERE_USER and VSPHERE_PASSWORD) there', { file: targetFile, field });
  }
  const caFile = pick('GOVC_TLS_CA_CERTS');
  if (caFile && !existsSync(caFile)) throw new NetvetError(`the CA certificates file ${caFile} named in ${where} does not exist`, "set GOVC_TLS_CA_CERTS to the vCenter's CA certificate (PEM)", { file: targetFile, field });
  return { url: section.url, username, password, ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}) };
}
