export type { Deployment, DeployedWorkload, Orchestrator } from './types';
export { RunJournal } from './journal';
