import { fileURLToPath } from 'node:url';
import { describeCheck } from '../target/check';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { labDown, labStatus, labUp } from '../lab/lab';

export const DEFAULT_LAB = 'default';
export const DEFAULT_PROFILE = fileURLToPath(new URL('../../topologies/labs/default.yaml', import.meta.url));

/** `netvet lab up|down|status`: parses options and calls lib/lab. */
export function registerLab(program: Command): void {
  const lab = program.command('lab').description('the embedded lab: a real multi-node OVN SDN in network namespaces');
  lab
    .command('up')
    .description('build the lab (idempotent: a healthy lab is left as it is, a dead one is rebuilt)')
    .option('--name <name>', 'lab name (1-8 letters/digits)', DEFAULT_LAB)
    .option('--profile <file>', 'lab profile (YAML)', DEFAULT_PROFILE)
    .addOption(
      new Option('--owner-pid <pid>', 'make the lab temporary: `netvet cleanup` takes it down once this process is gone')
        .env('NETVET_LAB_OWNER_PID')
        .argParser(parsePid),
    )
    .action(async (opts: { name: string; profile: string; ownerPid?: number }) => {
      const start = Date.now();
      const { plan, alreadyRunning } = await labUp(opts.name, opts.profile, (line) => console.log(line), opts.ownerPid);
      console.log(
        alreadyRunning
          ? `lab '${plan.name}' is already running (${plan.range})`
          : `lab '${plan.name}' is up in ${((Date.now() - start) / 1000).toFixed(1)} s (${plan.range})`,
      );
      console.log(`target file: ${plan.targetFile}`);
    });
  lab
    .command('down')
    .description('remove every namespace, link, route, process and file of the lab')
    .option('--name <name>', 'lab name', DEFAULT_LAB)
    .action(async (opts: { name: string }) => {
      const existed = await labDown(opts.name);
      console.log(existed ? `lab '${opts.name}' removed` : `lab '${opts.name}' was not there; swept its names anyway`);
    });
  lab
    .command('status')
    .description('health of every daemon, Raft roles, active northd, chassis, sshd')
    .option('--name <name>', 'lab name', DEFAULT_LAB)
    .option('--json', 'machine-readable output')
    .action(async (opts: { name: string; json?: boolean }) => {
      const status = await labStatus(opts.name);
      if (opts.json) console.log(JSON.stringify(status, null, 2));
      else printStatus(status);
      if (!status.running) process.exitCode = 1;
    });
}

function parsePid(value: string): number {
  if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError('a process id is a positive integer');
  return Number(value);
}

function printStatus(status: Awaited<ReturnType<typeof labStatus>>): void {
  const { health } = status;
  if (!health) {
    console.log(`lab '${status.name}': not running (netvet lab up --name ${status.name})`);
    return;
  }
  console.log(`lab '${status.name}': ${status.running ? 'healthy' : 'UNHEALTHY'} (${status.range})`);
  if (status.owner) console.log(`  temporary: owned by process ${status.owner.pid}${status.owner.running ? '' : ' (gone: netvet cleanup takes the lab down)'}`);
  for (const db of health.databases) {
    const members = db.members.map((m) => `${m.host}=${m.role ?? 'down'}`).join(' ');
    console.log(`  ${db.database.padEnd(11)} leader ${db.leader ?? 'none'}  ${members}`);
  }
  console.log(`  ovn-northd  ${health.northd.map((n) => `${n.host}=${n.status}`).join(' ')}`);
  console.log(`  chassis     ${health.chassis.map((c) => `${c.host}=${c.registered ? 'registered' : 'MISSING'}`).join(' ')}`);
  console.log(`  sshd        ${health.ssh.map((s) => `${s.host}=${s.reachable ? 'ok' : 'DOWN'}`).join(' ')}`);
  const dead = health.daemons.filter((d) => !d.alive);
  console.log(`  daemons     ${health.daemons.length - dead.length}/${health.daemons.length} running`);
  if (health.target) console.log(`  ${describeCheck(health.target).split('\n').slice(0, -1).join('\n  ')}`);
  for (const problem of health.problems) console.log(`  ! ${problem}`);
  console.log(`  target file: ${status.targetFile}`);
}
