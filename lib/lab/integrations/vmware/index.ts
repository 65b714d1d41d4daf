import type { LabIntegration } from '../types';
import { requireVmwareBuilt } from './build';
import { startPlugin } from './plugin-process';
import { buildVcenter, describeVcenter, vcenterHost } from './vcenter';

/** vCenter on the lab: vcsim with the compute chassis as its ESXi hosts, and the vCenter plugin wiring VMs into OVN. */
export const vmwareIntegration: LabIntegration = {
  key: 'vmware',
  preflight: () => requireVmwareBuilt(),
  stage: (plan) => `vCenter (vcsim) on ${vcenterHost(plan).name}: ESXi hosts ${plan.chassis.filter((c) => c.roles.includes('compute')).map((c) => c.name).join(', ')}; the vCenter plugin`,
  build: async (plan, journal, progress) => {
    await buildVcenter(plan, journal, progress);
    await startPlugin(plan, journal);
  },
  describe: describeVcenter,
};
