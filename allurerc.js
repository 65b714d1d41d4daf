// Allure 3 report, built by `npm run report` (and `netvet merge-reports` for the shards of a
// nightly): one self-contained HTML file that opens offline (the script also strips the Google
// Analytics tag Allure hard-codes, so viewing makes no request).
import { defineConfig } from 'allure';

const reports = process.env.NETVET_REPORTS_DIR ?? 'reports';

export default defineConfig({
  name: 'netvet',
  resultsDir: `${reports}/allure-results`,
  output: `${reports}/allure-report`,
  // Each report adds its run to this file and shows the runs before it: pass rate, durations and
  // flaky marks across nightlies. CI keeps it between runs (a cache, or the last run's artifact).
  historyPath: process.env.NETVET_ALLURE_HISTORY ?? `${reports}/allure-history.jsonl`,
  historyLimit: 60,
  // Why a scenario did not pass, first match wins: the target was not fit to test (not a verdict on
  // the product), the product gave a wrong verdict (a failed expectation), or netvet itself broke.
  categories: {
    rules: [
      { name: 'unhealthy target', matchers: { statuses: ['failed', 'broken'], message: /unhealthy|cannot be opened|does not answer|not reachable/i } },
      { name: 'product failure: wrong verdict', matchers: { statuses: ['failed'] } },
      { name: 'netvet error', matchers: { statuses: ['broken'] } },
    ],
  },
  plugins: { awesome: { options: { singleFile: true } } },
});
