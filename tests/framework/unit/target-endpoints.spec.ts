import { expect, test } from '@playwright/test';
import type { Deployment } from '../../../lib/orchestrators';
import { TargetHosts } from '../../../lib/target/hosts';
import { targetSchema, type TargetHost } from '../../../lib/target/schema';
import { endpointResolver } from '../../../lib/traffic/endpoints';
import { NetvetError } from '../../../lib/util/errors';

function hostsOf(hosts: Array<Partial<TargetHost> & { name: string; roles: TargetHost['roles']; management: string }>): TargetHosts {
  return new TargetHosts(
    targetSchema.parse({
      version: 1,
      name: 't',
      orchestrator: 'ovn-northbound',
      access: { ssh: { privateKey: '/dev/null' } },
      hosts,
      encapsulation: { current: 'geneve', supported: ['geneve'] },
      externalNetwork: { physicalNetwork: 'ext', cidr: '172.16.0.0/24', gateway: '172.16.0.1', floatingIpRange: { start: '172.16.0.100', end: '172.16.0.199' }, routerGatewayRange: { start: '172.16.0.10', end: '172.16.0.99' } },
    }),
  );
}

const empty = { workloads: {}, floatingIps: {} } as unknown as Deployment;

test('an external host is probed at its address on the external network, never at a management address elsewhere', async () => {
  const hosts = hostsOf([
    { name: 'far', roles: ['external'], management: '10.0.0.9', external: { address: '172.16.0.9' } },
    { name: 'onnet', roles: ['external'], management: '172.16.0.8' },
    { name: 'bare', roles: ['external'], management: '10.0.0.7' },
    { name: 'ch1', roles: ['compute'], management: '10.0.0.21' },
  ]);
  const resolve = endpointResolver(empty, hosts);
  expect(resolve('far').address).toBe('172.16.0.9');
  expect(resolve('onnet').address).toBe('172.16.0.8');
  expect(resolve('ch1').address).toBe('10.0.0.21');
  expect(() => resolve('bare')).toThrow(NetvetError);
  expect(() => resolve('bare')).toThrow(/external host bare of target 't' gives no address on the external network \(172\.16\.0\.0\/24\), and its management address 10\.0\.0\.7 is not on it/);
  await hosts.close();
});

test('captures look at the interface the target names, and fail naming the host and field when it names none', async () => {
  const hosts = hostsOf([
    { name: 'ch1', roles: ['compute'], management: '10.0.0.21', data: { address: '10.1.0.21', interface: 'br-phy', uplinks: ['ens4'] } },
    { name: 'ch2', roles: ['compute'], management: '10.0.0.22', data: { address: '10.1.0.22', interface: 'ens5', uplinks: [] } },
    { name: 'ch3', roles: ['compute'], management: '10.0.0.23' },
  ]);
  expect(hosts.underlayInterface('ch1')).toBe('ens4');
  expect(hosts.underlayInterface('ch2')).toBe('ens5');
  const error = (() => {
    try {
      return hosts.underlayInterface('ch3');
    } catch (e) {
      return e as NetvetError;
    }
  })();
  expect(error).toBeInstanceOf(NetvetError);
  expect((error as NetvetError).format()).toBe("target 't' names no interface that carries tunnel traffic on ch3\n  fix: add hosts[].data.interface (and hosts[].data.uplinks if the traffic leaves through a bridge's uplink) to ch3 in the target file");
  await hosts.close();
});
