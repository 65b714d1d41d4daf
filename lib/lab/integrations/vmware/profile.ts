import { z } from 'zod';

/** The `vmware` section of a lab profile. */
export const vmwareProfile = z
  .object({
    username: z.string().min(1).default('administrator@vsphere.local').describe('The vCenter user netvet logs in as'),
  })
  .strict()
  .optional()
  .describe("A vCenter (VMware's vcsim, built by `netvet setup --vmware`) on vc1: a cluster whose ESXi hosts are the compute chassis, a distributed switch, and the lab's vCenter plugin wiring VMs into OVN");
