// Allure 3 report, built by `npm run report`: one self-contained HTML file that opens offline
// (the script also strips the Google Analytics tag Allure hard-codes, so viewing makes no request).
import { defineConfig } from 'allure';

export default defineConfig({
  name: 'netvet',
  resultsDir: 'reports/allure-results',
  output: 'reports/allure-report',
  plugins: { awesome: { options: { singleFile: true } } },
});
