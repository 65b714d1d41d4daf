import { expect, test } from '../../../fixtures/gui';

/**
 * A tenant opens a port in the dashboard (security group `web` admits ICMP and SSH from its members):
 * - before: client -> server TCP/5000 is dropped;
 * - a rule added in Add Rule (ingress TCP 5000 from group web) lets it through;
 * - the outsider, not in `web`, is still dropped on TCP/5000 (the negative control).
 */
test(
  'dashboard: a security group rule added in Horizon opens the port, for members only',
  {
    tag: ['@gui', '@regression', '@sg'],
    annotation: [{ type: 'id', description: 'NV-GUI-003' }, { type: 'requires', description: 'gui:horizon' }],
  },
  async ({ deploy, horizon, logInAs, send }) => {
    const built = await deploy('topologies/security-group.yaml');
    const web = `${built.prefix}web`;
    await logInAs(built);

    await test.step('before: TCP/5000 from client to server is dropped', async () => {
      expect(await send(built, 'client', 'server', { kind: 'tcp', port: 5000 }, false)).not.toPass();
    });
    await test.step(`Add Rule to ${web}: ingress TCP 5000 from ${web}`, async () => {
      expect(await horizon.securityGroups.addRule(web, { direction: 'ingress', protocol: 'tcp', port: 5000, remote: { group: web } })).toContain('Successfully added rule');
    });
    await test.step('after: the client passes, the outsider is still dropped', async () => {
      expect(await send(built, 'client', 'server', { kind: 'tcp', port: 5000 })).toPass();
      expect(await send(built, 'outsider', 'server', { kind: 'tcp', port: 5000 }, false)).not.toPass();
    });
  },
);
