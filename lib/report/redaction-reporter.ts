import { unzipSync, zipSync } from 'fflate';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Reporter, TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import { runPasswordPattern } from '../util/secrets';

/** Request and response headers that carry credentials: their values never reach a report. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'x-auth-token', 'x-subject-token']);
const REDACTED = '[redacted]';

/**
 * Keeps the run's passwords and session credentials out of every report: step titles (`Fill "…"`),
 * attachments (text files, and Playwright traces with their actions, DOM snapshots, request bodies
 * and headers). Listed first among the reporters, so the others (Allure) only ever see the
 * redacted text and files: step titles are changed as the step begins, attachments as the test ends.
 */
export default class RedactionReporter implements Reporter {
  private readonly passwords = runPasswordPattern();

  onStepBegin(_test: TestCase, _result: TestResult, step: TestStep): void {
    step.title = this.redact(step.title);
  }

  onTestEnd(_test: TestCase, result: TestResult): void {
    for (const error of result.errors) {
      if (error.message) error.message = this.redact(error.message);
      if (error.stack) error.stack = this.redact(error.stack);
    }
    for (const attachment of result.attachments) {
      if (attachment.body) attachment.body = Buffer.from(this.redact(attachment.body.toString('latin1')), 'latin1');
      else if (attachment.path && existsSync(attachment.path)) {
        if (attachment.contentType === 'application/zip') this.redactZip(attachment.path);
        else this.redactFile(attachment.path);
      }
    }
  }

  /** Passwords replaced by as many `*`: lengths (a form body's Content-Length, say) stay true. */
  private redact(text: string): string {
    return text.replace(this.passwords, (found) => '*'.repeat(found.length));
  }

  private redactFile(path: string): void {
    const before = readFileSync(path, 'latin1');
    const after = this.redact(before);
    if (after !== before) writeFileSync(path, after, 'latin1');
  }

  private redactZip(path: string): void {
    const entries = unzipSync(readFileSync(path));
    let changed = false;
    for (const [name, data] of Object.entries(entries)) {
      const before = Buffer.from(data).toString('latin1');
      let after = this.redact(before);
      // A trace's network log: one JSON resource snapshot a line, headers and cookies in it.
      if (name.endsWith('.network')) after = after.split('\n').map(redactNetworkLine).join('\n');
      if (after !== before) {
        entries[name] = Buffer.from(after, 'latin1');
        changed = true;
      }
    }
    if (changed) writeFileSync(path, zipSync(entries));
  }
}

interface Header {
  name: string;
  value: string;
}
interface HarMessage {
  headers?: Header[];
  cookies?: Array<{ value: string }>;
}

function redactNetworkLine(line: string): string {
  if (!line.trim()) return line;
  const event = JSON.parse(line) as { snapshot?: { request?: HarMessage; response?: HarMessage } };
  for (const message of [event.snapshot?.request, event.snapshot?.response]) {
    for (const header of message?.headers ?? []) if (CREDENTIAL_HEADERS.has(header.name.toLowerCase())) header.value = REDACTED;
    for (const cookie of message?.cookies ?? []) cookie.value = REDACTED;
  }
  return JSON.stringify(event);
}
