import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loadCredentials } from '../../../lib/orchestrators/openstack/credentials';
import { maskSecrets, Session } from '../../../lib/orchestrators/openstack/session';
import { NetvetError } from '../../../lib/util/errors';

/** OpenStack credentials come from where OpenStack users keep them, and never show up in messages. */

const CLOUDS = `clouds:
  lab:
    auth:
      auth_url: http://192.0.2.10:5000/v3
      username: admin
      password: s3cret-from-yaml
      project_name: admin
      user_domain_name: Default
      project_domain_id: default
    region_name: RegionOne
`;

const OS_VARS = ['OS_CLOUD', 'OS_CLIENT_CONFIG_FILE', 'OS_AUTH_URL', 'OS_USERNAME', 'OS_PASSWORD', 'OS_PROJECT_NAME', 'OS_USER_DOMAIN_NAME', 'OS_PROJECT_DOMAIN_NAME', 'OS_REGION_NAME', 'OS_INTERFACE'];

const saved = Object.fromEntries(OS_VARS.map((name) => [name, process.env[name]]));
test.beforeEach(() => {
  for (const name of OS_VARS) delete process.env[name];
});
test.afterEach(() => {
  for (const name of OS_VARS) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

test('the cloud named in the target is read from its clouds.yaml', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'netvet-clouds-')), 'clouds.yaml');
  writeFileSync(file, CLOUDS);
  const credentials = loadCredentials({ cloud: 'lab', cloudsYaml: file, servers: 'port-binding' });
  expect(credentials).toMatchObject({ authUrl: 'http://192.0.2.10:5000/v3', username: 'admin', password: 's3cret-from-yaml', projectName: 'admin', regionName: 'RegionOne', interface: 'public' });
  expect(credentials.userDomain).toEqual({ name: 'Default' });
  expect(credentials.projectDomain).toEqual({ id: 'default' });
  expect(() => loadCredentials({ cloud: 'other', cloudsYaml: file, servers: 'port-binding' })).toThrow(/has no cloud 'other'.*/);
});

test('without a cloud, the OS_* variables of an openrc file; without those, an error that says what to set', () => {
  Object.assign(process.env, { OS_AUTH_URL: 'http://192.0.2.11:5000/v3', OS_USERNAME: 'demo', OS_PASSWORD: 'env-pass-123', OS_PROJECT_NAME: 'demo' });
  expect(loadCredentials(undefined)).toMatchObject({ authUrl: 'http://192.0.2.11:5000/v3', username: 'demo', projectName: 'demo', userDomain: { name: 'Default' } });
  delete process.env.OS_PASSWORD;
  const error = (() => {
    try {
      loadCredentials(undefined);
    } catch (e) {
      return e;
    }
  })();
  expect(error).toBeInstanceOf(NetvetError);
  expect((error as NetvetError).format()).toMatch(/OS_PASSWORD is not set[\s\S]*fix: set openstack.cloud/);
});

test('passwords a session holds are masked in any text', () => {
  new Session({ authUrl: 'http://192.0.2.12:5000/v3', username: 'u', password: 'masked-password-42', userDomain: { name: 'Default' }, project: { id: 'p' }, interface: 'public' });
  expect(maskSecrets('POST /v3/auth/tokens failed: {"password": "masked-password-42"}')).toBe('POST /v3/auth/tokens failed: {"password": "***"}');
});
