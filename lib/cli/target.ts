import { InvalidArgumentError, type Command } from 'commander';
import { ORCHESTRATOR_NAMES } from '../orchestrators/registry';
import { SDN_NAMES } from '../sdn/registry';
import { initTarget } from '../target/init';
import { checkTarget, describeCheck } from '../target/check';
import { targetFilePath } from '../target/load';

/** `netvet target init|check`: parses options and calls lib/target. */
export function registerTarget(program: Command): void {
  const target = program.command('target').description('a deployment netvet tests, whoever built it, as its target file describes it');
  target
    .command('check')
    .description('reach every host over SSH, check the SDN (control plane, chassis, tunnels) and the external network from this machine')
    .option('--target <file>', 'target file (default: NETVET_TARGET, else the default lab)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { target?: string; json?: boolean }) => {
      const check = await checkTarget(opts.target ?? targetFilePath());
      console.log(opts.json ? JSON.stringify(check, null, 2) : describeCheck(check));
      if (!check.healthy) process.exitCode = 1;
    });
  target
    .command('init')
    .description('find a deployment from its SDN endpoints and SSH access, and write a commented target file for it')
    .requiredOption('--nb <remote>', "the northbound DB's connection string, e.g. tcp:10.0.0.11:6641")
    .requiredOption('--sb <remote>', "the southbound DB's connection string, e.g. tcp:10.0.0.11:6642")
    .requiredOption('--ssh-key <file>', 'private key that logs in to every host')
    .requiredOption('--output <file>', 'target file to write')
    .option('--ssh-user <user>', 'user on every host', 'root')
    .option('--ssh-port <port>', 'SSH port of every host', parsePort, 22)
    .option('--host <name=address...>', 'name a host by its management address (chassis are reached at their tunnel address otherwise)', collectHost, {})
    .option('--external-cidr <cidr>', 'the provider network routers and floating IPs live on')
    .option('--external-gateway <address>', 'the address on the provider network that routes for it')
    .option('--physical-network <name>', 'the provider network as the gateways map it (ovn-bridge-mappings); found when left out')
    .option('--name <name>', 'the target\'s name', 'my-ovn')
    .option('--sdn <name>', `the SDN: ${SDN_NAMES.join(', ')}`, 'ovn')
    .option('--orchestrator <name>', `how topologies are built: ${ORCHESTRATOR_NAMES.join(', ')}`, 'ovn-northbound')
    .option('--force', 'replace --output if it exists')
    .action(async (opts: InitOptions) => {
      if ((opts.externalCidr === undefined) !== (opts.externalGateway === undefined)) throw new InvalidArgumentError('--external-cidr and --external-gateway go together');
      const { notes } = await initTarget({
        northbound: opts.nb,
        southbound: opts.sb,
        ssh: { user: opts.sshUser, port: opts.sshPort, privateKey: opts.sshKey },
        names: opts.host,
        physicalNetwork: opts.physicalNetwork,
        name: opts.name,
        sdn: opts.sdn,
        orchestrator: opts.orchestrator,
        ...(opts.externalCidr && opts.externalGateway ? { external: { cidr: opts.externalCidr, gateway: opts.externalGateway } } : {}),
        output: opts.output,
        force: opts.force,
      });
      for (const note of notes) console.log(`note: ${note}`);
      console.log(`wrote ${opts.output}: check it with 'netvet target check --target ${opts.output}'`);
    });
}

interface InitOptions {
  nb: string;
  sb: string;
  sshKey: string;
  output: string;
  sshUser: string;
  sshPort: number;
  host: Record<string, string>;
  externalCidr?: string;
  externalGateway?: string;
  physicalNetwork?: string;
  name: string;
  sdn: string;
  orchestrator: string;
  force?: boolean;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('a port is a number from 1 to 65535');
  return port;
}

function collectHost(value: string, names: Record<string, string>): Record<string, string> {
  const match = /^([A-Za-z0-9][\w.-]*)=(\d{1,3}(?:\.\d{1,3}){3})$/.exec(value);
  if (!match) throw new InvalidArgumentError(`'${value}' is not NAME=ADDRESS (e.g. hv-a=10.0.0.21)`);
  return { ...names, [match[1]]: match[2] };
}
