import { HorizonPage } from './page';

/** Horizon's login form. */
export class LoginPage extends HorizonPage {
  async open(): Promise<void> {
    await this.visit('/auth/login/');
  }

  /** Fills and sends the form; the caller checks where it landed (`loggedInAs`) or what it said (`error`). */
  async logIn(username: string, password: string): Promise<void> {
    // Whoever is logged in on this page logs out first; the login page would send them home instead.
    await this.visit('/auth/logout/');
    await this.open();
    await this.page.fill('#id_username', username);
    await this.page.fill('#id_password', password);
    await Promise.all([this.page.waitForNavigation(), this.page.click('#loginBtn')]);
  }

  /** The message the login form shows after a refused login. */
  async error(): Promise<string> {
    const alert = this.page.locator('form .alert-danger').first();
    await alert.waitFor();
    return (await alert.innerText()).trim();
  }

  /** The user name in the top bar, once logged in. */
  async loggedInAs(): Promise<string> {
    const user = this.page.locator('.user-menu .user-name');
    await user.waitFor();
    return (await user.innerText()).trim();
  }
}
