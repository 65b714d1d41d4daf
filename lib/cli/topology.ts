import type { Command } from 'commander';
import { applyTopologyFile, destroyTopologies } from '../orchestrators/runs';
import { targetFilePath } from '../target/load';
import { validateTopologies } from './topology-validate';

/** `netvet topology validate|apply|destroy`: parses options and calls the library. */
export function registerTopology(program: Command): void {
  const topology = program.command('topology').description('topology files: check them, build one by hand, remove it');
  topology
    .command('validate')
    .description('check topology files; errors name file:line:column and the fix')
    .argument('<files...>')
    .action(async (files: string[]) => {
      process.exitCode = await validateTopologies(files);
    });
  topology
    .command('apply')
    .description('build a topology on the target and keep it (for debugging by hand)')
    .argument('<file>')
    .option('--target <file>', 'target file (default: NETVET_TARGET, else the running lab)')
    .option('--orchestrator <name>', "build through this driver instead of the target's own (the OpenStack lab: openstack)")
    .action(async (file: string, opts: { target?: string; orchestrator?: string }) => {
      const { deployment } = await applyTopologyFile(file, opts.target ?? targetFilePath(), opts.orchestrator);
      console.log(`built ${deployment.topology.name} as ${deployment.prefix}`);
      for (const w of Object.values(deployment.workloads)) {
        console.log(`  workload ${w.name} on ${w.host}: ${w.ports.map((p) => `${p.interface} ${p.address}`).join(', ')}  (shell: ${w.shell.name})`);
      }
      for (const r of Object.values(deployment.routers)) console.log(`  router ${r.name}${r.externalAddress ? ` external ${r.externalAddress}` : ''}`);
      for (const f of Object.values(deployment.floatingIps)) console.log(`  floating IP ${f.name} ${f.address}${f.workload ? ` -> ${f.workload}` : ''}`);
      console.log(`remove it with: netvet topology destroy ${file}`);
    });
  topology
    .command('destroy')
    .description('remove deployments built from FILE (or with --prefix) by apply or kept with NETVET_KEEP=1')
    .argument('[file]')
    .option('--prefix <prefix>', 'deployment prefix, as printed when it was kept')
    .action(async (file: string | undefined, opts: { prefix?: string }) => {
      if (!file && !opts.prefix) throw new Error('name a topology file or --prefix');
      const removed = await destroyTopologies({ file, prefix: opts.prefix });
      console.log(`removed ${removed.join(', ')}`);
    });
}
