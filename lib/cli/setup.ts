import type { Command } from 'commander';
import { installPackages } from '../util/setup';

/** `netvet setup`: installs the Debian packages netvet needs (what is already there is skipped). */
export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('install the Debian packages netvet needs (apt-get; needs root)')
    .action(async () => {
      const installed = await installPackages((line) => console.log(line));
      console.log(installed.length ? `installed: ${installed.join(' ')}` : 'all Debian packages netvet needs are installed');
    });
}
