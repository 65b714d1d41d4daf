import type { RunJournal } from '../journal';
import type { Undo } from './cleanup';
import type { Credentials } from './credentials';
import type { Keystone } from './keystone';
import { Neutron } from './neutron';
import { Nova } from './nova';
import { Session } from './session';
import { runPassword } from '../../util/secrets';

/** One topology tenant as a Keystone project of its own, with a member user that acts in it. */
export interface Tenant {
  name: string;
  projectId: string;
  neutron: Neutron;
  /** Nova as the cloud's admin acting in this project (servers pinned to a host are an admin's call); only where servers boot through Nova. */
  nova?: Nova;
  /** How a person logs in as this tenant (the dashboard's login form); the password is masked in logs. */
  login: { username: string; password: string; project: string };
}

/**
 * Dynamic credentials, as Tempest makes them: a fresh project and user per tenant of each
 * deployment (named with the deployment's prefix, so a sweep finds them), the `member` role, and
 * a session that logs in as that user. Nothing a test does can touch another test's project.
 * With `admin`, that user also gets the admin role in the project, for Nova.
 */
export async function createTenant(
  keystone: Keystone,
  credentials: Credentials,
  domainId: string,
  name: string,
  description: string,
  journal: RunJournal,
  admin?: { userId: string },
): Promise<Tenant> {
  journal.record(`project ${name}`, { project: name } satisfies Undo);
  const project = await keystone.createProject(name, domainId, description);
  journal.record(`user ${name}`, { user: name } satisfies Undo);
  const password = runPassword();
  const user = await keystone.createUser(name, password, domainId, project.id);
  await keystone.assignRole(project.id, user.id, await keystone.roleId('member'));
  const session = new Session({
    authUrl: credentials.authUrl,
    username: name,
    password,
    userDomain: { id: domainId },
    project: { id: project.id },
    regionName: credentials.regionName,
    interface: credentials.interface,
  });
  let nova: Nova | undefined;
  if (admin) {
    // The admin role in the project (gone with it) lets the admin boot the tenant's servers on a chosen host.
    await keystone.assignRole(project.id, admin.userId, await keystone.roleId('admin'));
    nova = new Nova(new Session({ ...credentials, project: { id: project.id } }));
  }
  return { name, projectId: project.id, neutron: new Neutron(session), nova, login: { username: name, password, project: name } };
}
