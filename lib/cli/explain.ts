import type { Command } from 'commander';
import { withKeptDeployment } from '../orchestrators/runs';
import { formatExplainedProbe, probeAndExplain } from '../traffic/explain';
import { NetvetError } from '../util/errors';

/** `netvet explain [FILE | --prefix P] FROM TO FLOW`: parses options and calls the library. */
export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('probe one flow of a kept deployment and show what the datapath does with it (ovn-trace on OVN)')
    .argument('<words...>', '[FILE] FROM TO FLOW: the topology file (or --prefix), endpoints, and icmp | tcp/N | udp/N | http[/N]')
    .option('--prefix <prefix>', 'deployment prefix, as printed when it was kept or applied')
    .option('--target <file>', 'target file (default: the one the deployment was built on)')
    .option('--timeout <seconds>', 'how long the probe waits for an answer', '2')
    .action(async (words: string[], opts: { prefix?: string; target?: string; timeout: string }) => {
      const expected = opts.prefix ? 3 : 4;
      if (words.length !== expected) {
        throw new NetvetError(`explain takes ${opts.prefix ? 'FROM TO FLOW with --prefix' : 'FILE FROM TO FLOW'}, got ${words.length} words`, 'e.g. netvet explain --prefix nvm1a2b- client server tcp/22');
      }
      const [from, to, flow] = words.slice(-3);
      const timeoutS = Number(opts.timeout);
      if (!(timeoutS > 0)) throw new NetvetError(`--timeout ${opts.timeout} is not a number of seconds`, 'e.g. --timeout 5');
      const selector = opts.prefix ? { prefix: opts.prefix } : { file: words[0] };
      const text = await withKeptDeployment(selector, opts.target, async ({ deployment, open }) =>
        formatExplainedProbe(`${deployment.prefix} ${from} -> ${to} ${flow}`, await probeAndExplain(open, open.hosts, deployment, from, to, flow, timeoutS)),
      );
      console.log(text);
    });
}
