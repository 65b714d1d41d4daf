import { expect, test } from '../../../fixtures/gui';

/**
 * Logging in to the dashboard as a tenant:
 * - the right password lands on the tenant's networks, which lists the network the tenant owns;
 * - a wrong password is refused with the dashboard's own message, and nothing is shown.
 */
test(
  'dashboard login: the tenant sees its networks; a wrong password is refused',
  {
    tag: ['@gui', '@regression', '@tenancy'],
    annotation: [{ type: 'id', description: 'NV-GUI-001' }, { type: 'requires', description: 'gui:horizon' }],
  },
  async ({ deploy, horizon, tenants, page }) => {
    const built = await deploy('topologies/gui-tenant.yaml');
    const { username, password } = tenants.login(built);

    await test.step('a wrong password is refused with the dashboard\'s message', async () => {
      await horizon.login.logIn(username, `${password}-wrong`);
      expect(await horizon.login.error()).toBe('Invalid credentials.');
      expect(page.url()).toContain('/auth/login/');
    });
    await test.step(`${username} logs in and sees its network`, async () => {
      await horizon.login.logIn(username, password);
      expect(await horizon.login.loggedInAs()).toBe(username);
      expect(await horizon.networks.names()).toContain(`${built.prefix}net1`);
    });
  },
);
