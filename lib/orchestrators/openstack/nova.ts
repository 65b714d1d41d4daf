import { setTimeout as sleep } from 'node:timers/promises';
import { NetvetError } from '../../util/errors';
import type { Session } from './session';

const BUILD_TIMEOUT_MS = 120_000;

export interface Server {
  id: string;
  name: string;
  status: string;
  tenant_id: string;
  /** The compute host it runs on (admin only). */
  'OS-EXT-SRV-ATTR:host'?: string | null;
  fault?: { message: string; code: number };
}

/** Nova v2.1 (and Glance v2 for image names): servers booted on ports netvet made. */
export class Nova {
  constructor(private readonly session: Session) {}

  private async flavorRef(flavor: string): Promise<string> {
    const { flavors } = await this.session.request<{ flavors: Array<{ id: string; name: string }> }>('compute', 'GET', '/flavors');
    const found = flavors.find((f) => f.id === flavor || f.name === flavor);
    if (!found) throw new NetvetError(`Nova has no flavor '${flavor}'`, `set openstack.flavor in the target file to one of: ${flavors.map((f) => f.name).join(', ')}`);
    return found.id;
  }

  private async imageRef(image: string): Promise<string> {
    const { images } = await this.session.request<{ images: Array<{ id: string; name: string; status: string }> }>('image', 'GET', `/v2/images?limit=1000`);
    const found = images.find((i) => (i.id === image || i.name === image) && i.status === 'active');
    if (!found) throw new NetvetError(`Glance has no active image '${image}'`, 'set openstack.image in the target file to an image every compute host can boot');
    return found.id;
  }

  /** Boots a server on existing ports; `host` pins it to a compute host (`availability_zone: nova:HOST`, an admin's call). */
  async createServer(request: { name: string; flavor: string; image: string; ports: string[]; host?: string }): Promise<Server> {
    const [flavorRef, imageRef] = await Promise.all([this.flavorRef(request.flavor), this.imageRef(request.image)]);
    const { server } = await this.session.request<{ server: { id: string } }>('compute', 'POST', '/servers', {
      server: {
        name: request.name,
        flavorRef,
        imageRef,
        networks: request.ports.map((port) => ({ port })),
        ...(request.host ? { availability_zone: `nova:${request.host}` } : {}),
      },
    });
    return this.waitForActive(server.id, request.name);
  }

  async get(id: string): Promise<Server | undefined> {
    return (await this.session.request<{ server?: Server }>('compute', 'GET', `/servers/${id}`, undefined, { notFoundOk: true })).server;
  }

  /** Polls until the server is ACTIVE; a server in ERROR fails with Nova's own fault message. */
  private async waitForActive(id: string, name: string): Promise<Server> {
    const deadline = Date.now() + BUILD_TIMEOUT_MS;
    for (;;) {
      const server = await this.get(id);
      if (server?.status === 'ACTIVE') return server;
      if (server?.status === 'ERROR') {
        throw new NetvetError(`Nova could not build server ${name} (${id}): ${server.fault?.message ?? 'no fault recorded'}`, 'see nova-conductor.log and nova-compute.log on the cloud');
      }
      if (Date.now() > deadline) throw new NetvetError(`server ${name} (${id}) is still ${server?.status ?? 'missing'} after ${BUILD_TIMEOUT_MS / 1000} s`, 'check that nova-compute runs on the chosen host');
      await sleep(250);
    }
  }

  /** Servers of a project named `name` (exactly), or all of its servers; an admin sees every project's. */
  async servers(projectId: string, name?: string): Promise<Server[]> {
    const query = new URLSearchParams({ all_tenants: '1', project_id: projectId, ...(name ? { name: `^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` } : {}) });
    return (await this.session.request<{ servers: Server[] }>('compute', 'GET', `/servers/detail?${query}`)).servers;
  }

  /** Deletes a server and waits until Nova has let go of its ports (they stay: netvet made them). */
  async delete(id: string): Promise<void> {
    await this.session.request('compute', 'DELETE', `/servers/${id}`, undefined, { notFoundOk: true });
    const deadline = Date.now() + BUILD_TIMEOUT_MS;
    for (let server = await this.get(id); server; server = await this.get(id)) {
      if (Date.now() > deadline) throw new NetvetError(`server ${server.name} (${id}) is still ${server.status} ${BUILD_TIMEOUT_MS / 1000} s after its deletion`, "see nova-compute.log; then 'netvet cleanup'");
      await sleep(250);
    }
  }
}
