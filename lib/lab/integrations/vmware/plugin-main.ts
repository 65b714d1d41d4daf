import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { vcenterLogin } from '../../../orchestrators/vmware/credentials';
import { TargetHosts } from '../../../target/hosts';
import { loadTarget } from '../../../target/load';
import { VcenterPlugin } from './plugin';

/**
 * The vCenter plugin's process (`node --import tsx plugin-main.ts <config>`), started by `lab up`
 * and ended by `lab down` by its PID. Its config (in the lab's folder, which marks the process as
 * the lab's) names the target file, whose hosts it reaches over SSH as any orchestrator does.
 */
interface PluginConfig {
  targetFile: string;
  northbound: string;
  namespacePrefix: string;
}

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

async function main(configFile: string): Promise<void> {
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as PluginConfig;
  // lab up writes the target file once every part of the lab is up, this plugin included.
  while (!existsSync(config.targetFile)) await sleep(100);
  const target = await loadTarget(config.targetFile);
  if (!target.vmware) throw new Error(`${config.targetFile} has no vmware section`);
  const hosts = new TargetHosts(target);
  // lab down ends it by its PID: what it was wiring, the lab's teardown removes with the namespaces.
  process.once('SIGTERM', () => process.exit(0));
  await new VcenterPlugin({ login: vcenterLogin(target.vmware, config.targetFile), hosts, northbound: config.northbound, namespacePrefix: config.namespacePrefix, log }).run(new AbortController().signal);
}

main(process.argv[2]).catch((error: unknown) => {
  log(`vCenter plugin failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
