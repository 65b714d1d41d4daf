import type { LabIntegration } from '../types';
import { apiHost, buildOpenStack, describeOpenStack, requireOpenStackPackages } from './openstack';

/** OpenStack on the lab: MariaDB, Keystone, Neutron (ML2/OVN on the lab's OVN), Horizon, and Nova where the profile asks. */
export const openstackIntegration: LabIntegration = {
  key: 'openstack',
  preflight: ({ profile }) => requireOpenStackPackages(profile.openstack?.nova ?? false),
  stage: (plan) =>
    `OpenStack on ${apiHost(plan).name}: MariaDB, Keystone, Neutron (ML2/OVN)${plan.profile.openstack?.nova ? ', Nova, placement, Glance' : ''}${plan.profile.openstack?.dashboard ? ', Horizon' : ''}`,
  build: buildOpenStack,
  describe: describeOpenStack,
};
