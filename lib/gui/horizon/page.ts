import type { Locator, Page } from '@playwright/test';

/**
 * What every Horizon page object shares: the dashboard's address, its modal forms (workflows post
 * by AJAX and answer with a message), and the success or error message they leave.
 */
export abstract class HorizonPage {
  constructor(
    protected readonly page: Page,
    protected readonly baseUrl: string,
  ) {}

  protected async visit(path: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${path}`);
  }

  protected get modal(): Locator {
    return this.page.locator('.modal').last();
  }

  /** Submits the open modal and waits for Horizon's verdict: its success message, or the form's own error. */
  protected async submitModal(button = this.modal.locator('[type=submit]')): Promise<string> {
    await button.click();
    const success = this.page.locator('.messages .alert-success').last();
    const failure = this.page.locator('.messages .alert-danger, .modal .alert-danger, .modal .has-error .help-block').first();
    await success.or(failure).waitFor();
    if (await failure.isVisible()) throw new Error(`Horizon refused: ${(await failure.innerText()).trim()}`);
    return (await success.innerText()).trim();
  }

  /** Names in the first column of the page's table (Horizon's data tables). */
  async tableNames(): Promise<string[]> {
    await this.page.locator('table').first().waitFor();
    return (await this.page.locator('table tbody tr td:nth-child(2)').allInnerTexts()).map((t) => t.trim()).filter((t) => t && t !== 'No items to display.');
  }
}

/**
 * Picks, in one of Horizon's themed selects (a dropdown button over a hidden <select>), the entry
 * whose text contains `text`, as a person would: open the dropdown, click the entry. Modal forms
 * arrive by AJAX, so it waits for the entry; the error lists what the form offers instead.
 */
export async function selectOptionContaining(select: Locator, text: string, form: string): Promise<void> {
  const widget = select.locator('xpath=ancestor::div[contains(@class, "themable-select")][1]');
  const entry = widget.locator('.dropdown-menu a', { hasText: text }).first();
  try {
    await entry.waitFor({ state: 'attached', timeout: 15_000 });
  } catch {
    const offered = (await select.locator('option').allTextContents()).map((t) => t.trim());
    throw new Error(`${form} offers no '${text}' (it offers: ${offered.join('; ') || 'nothing'})`);
  }
  await widget.locator('button.dropdown-toggle').click();
  await entry.click();
}

/** Picks the entry of one of Horizon's themed selects that stands for `value` (the hidden <select>'s option value). */
export async function selectValue(select: Locator, value: string): Promise<void> {
  const widget = select.locator('xpath=ancestor::div[contains(@class, "themable-select")][1]');
  await widget.locator('button.dropdown-toggle').click();
  await widget.locator(`.dropdown-menu a[data-select-value="${value}"]`).click();
}
