import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Target } from '../../target/schema';
import { NetvetError } from '../../util/errors';

/** Password credentials for Keystone v3, as clouds.yaml or the OS_* variables give them. */
export interface Credentials {
  authUrl: string;
  username: string;
  password: string;
  projectName: string;
  userDomain: { id?: string; name?: string };
  projectDomain: { id?: string; name?: string };
  regionName?: string;
  interface: string;
  /** Where they came from, for error messages (never the secret itself). */
  source: string;
}

type CloudEntry = { auth?: Record<string, string>; region_name?: string; interface?: string };

/** clouds.yaml in the places OpenStack clients look, in their order. */
function cloudsYamlCandidates(explicit?: string): string[] {
  if (explicit) return [explicit];
  return [process.env.OS_CLIENT_CONFIG_FILE, join(process.cwd(), 'clouds.yaml'), join(homedir(), '.config/openstack/clouds.yaml'), '/etc/openstack/clouds.yaml'].filter(
    (f): f is string => !!f,
  );
}

const domain = (id?: string, name?: string) => (id ? { id } : { name: name ?? 'Default' });

function fromCloudsYaml(cloud: string, explicit?: string): Credentials {
  const file = cloudsYamlCandidates(explicit).find((f) => existsSync(f));
  if (!file) {
    throw new NetvetError(`no clouds.yaml found for cloud '${cloud}'`, explicit ? `check openstack.cloudsYaml in the target file (${explicit})` : 'set openstack.cloudsYaml in the target file, or OS_CLIENT_CONFIG_FILE');
  }
  const clouds = (parse(readFileSync(file, 'utf8')) as { clouds?: Record<string, CloudEntry> } | null)?.clouds ?? {};
  const entry = clouds[cloud];
  if (!entry?.auth) {
    throw new NetvetError(`${file} has no cloud '${cloud}' with an auth section`, `use one of: ${Object.keys(clouds).join(', ') || '(none)'}`, { file });
  }
  const a = entry.auth;
  const missing = ['auth_url', 'username', 'password', 'project_name'].filter((k) => !a[k]);
  if (missing.length) throw new NetvetError(`cloud '${cloud}' in ${file} lacks ${missing.join(', ')}`, 'netvet logs in with a password: add them to its auth section', { file });
  return {
    authUrl: a.auth_url,
    username: a.username,
    password: a.password,
    projectName: a.project_name,
    userDomain: domain(a.user_domain_id, a.user_domain_name),
    projectDomain: domain(a.project_domain_id, a.project_domain_name),
    regionName: entry.region_name,
    interface: entry.interface ?? 'public',
    source: `cloud '${cloud}' in ${file}`,
  };
}

function fromEnvironment(): Credentials {
  const env = process.env;
  const missing = ['OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME'].filter((k) => !env[k]);
  if (missing.length) {
    throw new NetvetError(
      `no OpenStack credentials: the target names no cloud and ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} not set`,
      'set openstack.cloud in the target file, OS_CLOUD, or source an openrc file (OS_AUTH_URL, OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME)',
    );
  }
  return {
    authUrl: env.OS_AUTH_URL!,
    username: env.OS_USERNAME!,
    password: env.OS_PASSWORD!,
    projectName: env.OS_PROJECT_NAME!,
    userDomain: domain(env.OS_USER_DOMAIN_ID, env.OS_USER_DOMAIN_NAME),
    projectDomain: domain(env.OS_PROJECT_DOMAIN_ID, env.OS_PROJECT_DOMAIN_NAME),
    regionName: env.OS_REGION_NAME,
    interface: env.OS_INTERFACE ?? 'public',
    source: 'the OS_* environment variables',
  };
}

/** The target's cloud from clouds.yaml, else OS_CLOUD's, else the OS_* variables: what OpenStack users expect. */
export function loadCredentials(section: Target['openstack']): Credentials {
  const cloud = section?.cloud ?? process.env.OS_CLOUD;
  return cloud ? fromCloudsYaml(cloud, section?.cloudsYaml) : fromEnvironment();
}
