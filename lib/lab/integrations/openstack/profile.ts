import { z } from 'zod';

/** The `openstack` section of a lab profile. */
export const openstackProfile = z
  .object({
    dashboard: z.boolean().default(true).describe('Horizon, for GUI tests'),
    nova: z
      .boolean()
      .default(false)
      .describe('Nova (fake virt driver, a nova-compute on each compute host), placement, Glance and RabbitMQ: servers are booted through Nova, and the lab plugs their ports as a hypervisor would'),
  })
  .strict()
  .optional()
  .describe("OpenStack in a namespace of its own (api1): MariaDB, Keystone, Neutron with ML2/OVN on the lab's OVN, Horizon");
