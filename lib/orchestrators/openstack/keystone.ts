import type { Session } from './session';

export interface Project {
  id: string;
  name: string;
  domain_id: string;
}

export interface User {
  id: string;
  name: string;
}

/** Keystone v3: the projects and users of dynamic credentials (an admin session). */
export class Keystone {
  constructor(private readonly session: Session) {}

  private call<T>(method: string, path: string, body?: unknown, notFoundOk = false): Promise<T> {
    return this.session.request<T>('identity', method, path, body, { notFoundOk });
  }

  async createProject(name: string, domainId: string, description: string): Promise<Project> {
    return (await this.call<{ project: Project }>('POST', '/projects', { project: { name, domain_id: domainId, description, enabled: true } })).project;
  }

  async projects(name?: string): Promise<Project[]> {
    return (await this.call<{ projects: Project[] }>('GET', `/projects${name ? `?name=${encodeURIComponent(name)}` : ''}`)).projects;
  }

  async deleteProject(id: string): Promise<void> {
    await this.call('DELETE', `/projects/${id}`, undefined, true);
  }

  async createUser(name: string, password: string, domainId: string, projectId: string): Promise<User> {
    return (await this.call<{ user: User }>('POST', '/users', { user: { name, password, domain_id: domainId, default_project_id: projectId, enabled: true } })).user;
  }

  async users(name: string): Promise<User[]> {
    return (await this.call<{ users: User[] }>('GET', `/users?name=${encodeURIComponent(name)}`)).users;
  }

  async deleteUser(id: string): Promise<void> {
    await this.call('DELETE', `/users/${id}`, undefined, true);
  }

  async roleId(name: string): Promise<string> {
    const { roles } = await this.call<{ roles: Array<{ id: string }> }>('GET', `/roles?name=${encodeURIComponent(name)}`);
    if (!roles[0]) throw new Error(`Keystone has no role '${name}'`);
    return roles[0].id;
  }

  async assignRole(projectId: string, userId: string, roleId: string): Promise<void> {
    await this.call('PUT', `/projects/${projectId}/users/${userId}/roles/${roleId}`);
  }

  /** The domain the admin's project is in: test projects go there too. */
  async domainOf(projectId: string): Promise<string> {
    return (await this.call<{ project: Project }>('GET', `/projects/${projectId}`)).project.domain_id;
  }
}
