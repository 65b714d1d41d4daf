import type { Deployment } from '../types';

/**
 * What vCenter does to a VM at run time that scenarios exercise: power and vMotion. Each call
 * returns once the SDN has followed (the VM's ports gone, or wired again where it now runs), with
 * the deployment as it is after it.
 */
export interface VirtualMachineFacet {
  powerOff(deployment: Deployment, workload: string): Promise<Deployment>;
  powerOn(deployment: Deployment, workload: string): Promise<Deployment>;
  /** vMotion (RelocateVM_Task) to another ESXi host of the cluster, named as its target host. */
  migrate(deployment: Deployment, workload: string, host: string): Promise<Deployment>;
}

declare module '../types' {
  interface Facets {
    virtualMachines?: VirtualMachineFacet;
  }
}
