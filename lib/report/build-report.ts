/**
 * `npm run report`: builds the Allure 3 HTML report (one self-contained file) from the results of
 * the last run, and prints where it is. Run: npx tsx lib/report/build-report.ts
 */
import { existsSync, readdirSync } from 'node:fs';
import { buildAllureReport, megabytes } from './allure';

const RESULTS = 'reports/allure-results';

if (!existsSync(RESULTS) || !readdirSync(RESULTS).some((f) => f.endsWith('-result.json'))) {
  console.error(`npm run report: no test results in ${RESULTS}; run the tests first (npm run sanity)`);
  process.exit(1);
}
const report = await buildAllureReport([RESULTS], 'reports/allure-report');
console.log(`Allure report: ${report} (${megabytes(report)})`);
