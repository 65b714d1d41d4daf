// Workload plumbing is shared by the drivers that place workloads on hosts; it lives beside them.
export { plugWorkload, unplugWorkload, type WorkloadPortSpec, type WorkloadSpec } from '../shared/workload';
