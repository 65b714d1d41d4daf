import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectionString, DATABASES } from '../../control-plane';
import type { Journal } from '../../journal';
import type { LabPlan } from '../../plan';
import { vcenterHost } from './vcenter';

const PLUGIN_MAIN = fileURLToPath(new URL('./plugin-main.ts', import.meta.url));

/**
 * Starts the vCenter plugin as a process of the lab, in the runner's namespace (it reaches
 * vCenter and the chassis on the management network, as a controller would): its PID file is
 * journaled first, and its config's path (in the lab's folder) on its command line marks it as the lab's.
 */
export async function startPlugin(plan: LabPlan, journal: Journal): Promise<number> {
  const host = vcenterHost(plan);
  const config = join(host.dir, 'vcenter-plugin.json');
  await writeFile(config, JSON.stringify({ targetFile: plan.targetFile, northbound: connectionString(plan, DATABASES.northbound), namespacePrefix: `nv-${plan.name}-w-` }, null, 2));
  const pidfile = join(host.dir, 'vcenter-plugin.pid');
  journal.record({ kind: 'daemon', host: host.name, pidfile });
  const log = openSync(join(host.dir, 'vcenter-plugin.out'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', PLUGIN_MAIN, config], { detached: true, stdio: ['ignore', log, log], cwd: fileURLToPath(new URL('../../../..', import.meta.url)) });
  closeSync(log);
  await new Promise<void>((resolve, reject) => child.once('spawn', resolve).once('error', reject));
  await writeFile(pidfile, `${child.pid}\n`);
  child.unref();
  return child.pid!;
}
