import { SshPool } from '../../../lib/access';
import type { DeployedWorkload } from '../../../lib/orchestrators';
import { expect, test } from '../../../fixtures';

/**
 * Floating IP, seen from outside (the runner on the external network):
 * - SSH through the floating IP lands on vm1 (its hostname proves it);
 * - disassociated, the floating IP answers nothing;
 * - associated with vm2, SSH through the same address lands on vm2.
 */
test(
  'floating IP: SSH from outside, disassociate, move to another workload',
  { tag: ['@sanity', '@regression', '@fip'], annotation: [{ type: 'id', description: 'NV-FIP-001' }, { type: 'requires', description: 'fip' }] },
  async ({ deploy, send, floatingIps, target }) => {
    let built = await deploy('topologies/floating-ip.yaml');
    const address = built.floatingIps.fip1.address;
    const hostnameThroughFip = async (workload: DeployedWorkload) => {
      const pool = new SshPool({ connectTimeoutMs: 5000 });
      try {
        const shell = pool.shell({ host: address, username: 'root', privateKeyPath: target.access.ssh.privateKey, hostKey: workload.hostKey });
        return (await shell.exec(['hostname'])).stdout.trim();
      } finally {
        await pool.close();
      }
    };

    await test.step(`SSH to ${address} lands on vm1`, async () => {
      expect(await send(built, 'runner', 'fip1', { kind: 'tcp', port: 22 })).toPass();
      expect(await hostnameThroughFip(built.workloads.vm1)).toBe('vm1');
    });
    await test.step('disassociated: the floating IP answers nothing', async () => {
      built = await floatingIps.disassociate(built, 'fip1');
      expect(await send(built, 'runner', 'fip1', { kind: 'tcp', port: 22 }, false)).not.toPass();
    });
    await test.step('associated with vm2: SSH lands on vm2', async () => {
      built = await floatingIps.associate(built, 'fip1', 'vm2');
      expect(await send(built, 'runner', 'fip1', { kind: 'tcp', port: 22 })).toPass();
      expect(await hostnameThroughFip(built.workloads.vm2)).toBe('vm2');
    });
  },
);
