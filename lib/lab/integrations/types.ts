import type { Target } from '../../target/schema';
import type { Journal } from '../journal';
import type { Progress } from '../lab';
import type { LabPlan } from '../plan';

/**
 * Something a lab profile adds on top of the lab's OVN: a real orchestrator (OpenStack services on
 * a controller namespace) or, later, a Kubernetes API server, vcsim, BGP speakers. The lab knows
 * integrations only through this; each lives in its own folder under lib/lab/integrations.
 */
export interface LabIntegration {
  /** Its section in the lab profile (lib/lab/integrations/profiles.ts); it runs when the profile has one. */
  readonly key: keyof LabPlan['profile'];
  /** Fails, naming the packages and the fix, before anything is built. */
  preflight(plan: Pick<LabPlan, 'profile'>): void;
  /** The progress line of its stage of `lab up`. */
  stage(plan: LabPlan): string;
  /** Builds it; every namespace, link and daemon journaled so `lab down` removes it. */
  build(plan: LabPlan, journal: Journal, progress: Progress): Promise<void>;
  /** What the target file says of it: its section and the facts it adds. */
  describe(plan: LabPlan): { section: Partial<Target>; capabilities: string[] };
}
