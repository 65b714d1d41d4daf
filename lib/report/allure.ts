import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../util/exec';

const ALLURE = fileURLToPath(new URL('../../node_modules/.bin/allure', import.meta.url));

/**
 * Builds the Allure 3 report (one self-contained HTML file) from one or more results folders (the
 * shards of a nightly), with allurerc.js (history, categories); returns the report's path.
 */
export async function buildAllureReport(resultsDirs: readonly string[], output: string): Promise<string> {
  rmSync(output, { recursive: true, force: true });
  await run([ALLURE, 'generate', ...resultsDirs.map((d) => resolve(d)), '--output', resolve(output)], { timeoutMs: 300_000 });
  const report = join(resolve(output), 'index.html');
  // Allure 3.18 always embeds a Google Analytics tag; the report must not call out (no network here).
  const html = readFileSync(report, 'utf8');
  const tag = html.indexOf('googletagmanager.com/gtag/js');
  if (tag >= 0) {
    const end = html.indexOf('</script>', html.indexOf('gtag(', tag)) + '</script>'.length;
    writeFileSync(report, html.slice(0, html.lastIndexOf('<script', tag)) + html.slice(end));
  }
  return report;
}

export const megabytes = (file: string) => `${(statSync(file).size / 1048576).toFixed(1)} MB`;
