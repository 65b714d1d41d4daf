import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OpenTarget } from '../orchestrators/lifecycle';

/** Where Allure results go (playwright.config.ts writes them there too). */
export const allureResultsDir = () => join(process.env.NETVET_REPORTS_DIR ?? 'reports', 'allure-results');

/**
 * The target as nightly readers see it on the report's front page: the SDN and its versions, the
 * orchestrator and the driver with theirs, the encapsulation, and the lab profile when the target is a lab.
 */
export async function targetEnvironment(opened: OpenTarget, targetFile: string): Promise<Record<string, string>> {
  const { target, sdn } = opened;
  // Each part's own versions, where it can say: a version that cannot be read leaves the report without it, never fails the run.
  const [versions, orchestratorVersions] = await Promise.all([
    sdn.versions?.().catch(() => ({})) ?? {},
    opened.orchestrator.versions?.().catch(() => ({})) ?? {},
  ]);
  // A lab's target file sits beside its plan, which keeps the profile it was brought up with.
  const plan = join(dirname(targetFile), 'plan.json');
  const profile = existsSync(plan) ? (JSON.parse(readFileSync(plan, 'utf8')) as { profile?: { description?: string } }).profile : undefined;
  return {
    target: target.name,
    sdn: sdn.name,
    ...Object.fromEntries(Object.entries(versions).map(([component, version]) => [`version.${component}`, version])),
    orchestrator: target.orchestrator,
    driver: opened.orchestrator.name,
    ...Object.fromEntries(Object.entries(orchestratorVersions).map(([component, version]) => [`version.${component}`, version])),
    encapsulation: target.encapsulation?.current ?? 'unknown',
    ...(profile ? { 'lab.profile': profile.description ?? 'default' } : {}),
  };
}

/** Writes environment.properties into the Allure results (whole, by rename: every worker writes the same). */
export function writeAllureEnvironment(environment: Record<string, string>, dir = allureResultsDir()): void {
  mkdirSync(dir, { recursive: true });
  const escape = (text: string) => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/([=:])/g, '\\$1');
  const file = join(dir, 'environment.properties');
  writeFileSync(`${file}.${process.pid}`, Object.entries(environment).map(([key, value]) => `${escape(key)}=${escape(value)}\n`).join(''));
  renameSync(`${file}.${process.pid}`, file);
}
