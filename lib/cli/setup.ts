import type { Command } from 'commander';
import { buildVmware, VMWARE_CACHE } from '../lab/integrations/vmware/build';
import { allowDhclientInWorkloads, BGPVPN_PACKAGES, buildSqlite, DEBIAN_PACKAGES, installPackages, OPENSTACK_PACKAGES, POSTGRESQL_PACKAGES } from '../util/setup';

/** `netvet setup`: installs the Debian packages netvet needs (what is already there is skipped). */
export function registerSetup(program: Command): void {
  program
    .command('setup')
    .description('install the Debian packages netvet needs (apt-get; needs root)')
    .option('--openstack', 'also the OpenStack lab profile and GUI tests: Keystone, Neutron, MariaDB, Horizon, Chromium')
    .option('--postgresql', 'also a PostgreSQL server, for the tests of a shared run ledger')
    .option('--bgpvpn', 'also the BGP VPN lab profile: BaGPipe BGP and the gobgpd route reflector')
    .option('--vmware', `also the VMware lab profile: Debian's Go, then vcsim and govc built once from Debian's govmomi source into ${VMWARE_CACHE}`)
    .action(async (opts: { openstack?: boolean; postgresql?: boolean; bgpvpn?: boolean; vmware?: boolean }) => {
      const packages = [
        ...DEBIAN_PACKAGES,
        ...(opts.openstack ? OPENSTACK_PACKAGES : []),
        ...(opts.postgresql ? POSTGRESQL_PACKAGES : []),
        ...(opts.bgpvpn ? BGPVPN_PACKAGES : []),
      ];
      const installed = await installPackages((line) => console.log(line), packages);
      console.log(installed.length ? `installed: ${installed.join(' ')}` : 'all Debian packages netvet needs are installed');
      await allowDhclientInWorkloads((line) => console.log(line));
      if (await buildSqlite((line) => console.log(line))) console.log('built better-sqlite3 for the run ledger');
      if (opts.vmware) console.log((await buildVmware((line) => console.log(line))) ? `built vcsim and govc in ${VMWARE_CACHE}` : `vcsim and govc are built (${VMWARE_CACHE})`);
    });
}
