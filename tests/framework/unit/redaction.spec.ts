import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, expect, test } from '@playwright/test';
import type { TestResult, TestStep } from '@playwright/test/reporter';
import { unzipSync } from 'fflate';
import RedactionReporter from '../../../lib/report/redaction-reporter';
import { runPassword } from '../../../lib/util/secrets';

/**
 * The redaction reporter on a real Playwright trace: Chromium logs in to a loopback login form with
 * a password of this run and gets a session cookie back; afterwards neither the password nor the
 * cookie is anywhere in the trace (actions, DOM snapshots, request bodies, headers), the trace
 * still opens, and a step title that showed the password shows stars of the same length.
 */
const CHROMIUM = '/usr/bin/chromium';

let server: Server;
let url: string;

test.beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.method === 'POST') {
      request.resume();
      response.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'sessionid=s3ss10nvalue; HttpOnly' });
      response.end('<p>welcome</p>');
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<form method="post" action="/login"><input name="username"><input name="password" type="password"><button>go</button></form>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

test.afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('a trace of a login keeps neither the password nor the session cookie, and still opens', async ({}, testInfo) => {
  test.skip(!existsSync(CHROMIUM), "needs Debian's Chromium ('netvet setup --openstack')");
  const password = runPassword();
  const trace = testInfo.outputPath('trace.zip');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext();
    await context.tracing.start({ snapshots: true, screenshots: false });
    const page = await context.newPage();
    await page.goto(url);
    await page.fill('input[name=username]', 'tenant');
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForURL('**/login'), page.click('button')]);
    await page.goto(url);
    await context.tracing.stop({ path: trace });
  } finally {
    await browser.close();
  }
  const text = (zip: string) => Object.values(unzipSync(readFileSync(zip))).map((data) => Buffer.from(data).toString('latin1')).join('\n');
  // The control: unredacted, the trace holds both.
  expect(text(trace)).toContain(password);
  expect(text(trace)).toContain('s3ss10nvalue');

  const step = { title: `Fill "${password}" locator('input[name=password]')` } as TestStep;
  const result = { errors: [], attachments: [{ name: 'trace', contentType: 'application/zip', path: trace }] } as unknown as TestResult;
  const reporter = new RedactionReporter();
  reporter.onStepBegin(undefined as never, result, step);
  reporter.onTestEnd(undefined as never, result);

  expect(step.title).toBe(`Fill "${'*'.repeat(password.length)}" locator('input[name=password]')`);
  const redacted = text(trace);
  expect(redacted).not.toContain(password);
  expect(redacted).not.toContain('s3ss10nvalue');
  expect(redacted).toContain('"name":"Cookie","value":"[redacted]"');
  // Everything else is still there: the user name typed, the page's own text.
  expect(redacted).toContain('tenant');
  expect(redacted).toContain('welcome');
});
