/**
 * `npm run report`: builds the Allure 3 HTML report (one self-contained file) from the results of
 * the last run, and prints where it is. Run: npx tsx lib/report/build-report.ts
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { run } from '../util/exec';

const RESULTS = 'reports/allure-results';
const REPORT = resolve('reports/allure-report/index.html');

if (!existsSync(RESULTS) || !readdirSync(RESULTS).some((f) => f.endsWith('-result.json'))) {
  console.error(`npm run report: no test results in ${RESULTS}; run the tests first (npm run sanity)`);
  process.exit(1);
}
rmSync('reports/allure-report', { recursive: true, force: true });
await run([resolve('node_modules/.bin/allure'), 'generate'], { timeoutMs: 300_000 });

// Allure 3.18 always embeds a Google Analytics tag; the report must not call out (no network here).
const html = readFileSync(REPORT, 'utf8');
const tag = html.indexOf('googletagmanager.com/gtag/js');
if (tag >= 0) {
  const end = html.indexOf('</script>', html.indexOf('gtag(', tag)) + '</script>'.length;
  writeFileSync(REPORT, html.slice(0, html.lastIndexOf('<script', tag)) + html.slice(end));
}
console.log(`Allure report: ${REPORT} (${(statSync(REPORT).size / 1048576).toFixed(1)} MB)`);
